import Foundation
import Testing
import SafeTensors

/// The writer never replaces something that is not a regular file, and its errors name the
/// destination, not the temporary file.
@Suite struct WriteTargetTests {
    @Test func aDirectoryOrDeviceIsNotReplaced() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dir.file("null-link"), withDestinationPath: "/dev/null")
        for target in [dir.file("sub"), dir.file("null-link")] {
            let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.write(["a": .floats([1], shape: [1])], to: target) }
            #expect(error?.description == "safetensors file \(target): cannot write the file: it exists and is not a regular file")
        }
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("null-link"))
        #expect(link == "/dev/null", "the link is still a link")
        #expect(try dir.contents() == ["null-link", "sub"], "no temporary file left")
    }

    @Test func anUnwritableDirectoryIsNamedWithoutTheTemporaryFile() throws {
        let target = "/nonexistent-\(UUID().uuidString)/model.safetensors"
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.write(["a": .floats([1], shape: [1])], to: target) }
        let text = error?.description ?? ""
        #expect(text.contains(target) && !text.contains(".tmp"), "\(text)")
    }
}
