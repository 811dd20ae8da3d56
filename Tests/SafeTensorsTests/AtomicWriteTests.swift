import Foundation
import Testing
import ScalpelEngine
import SafeTensors

@Suite struct AtomicWriteTests {
    @Test func leavesNoTemporaryFileBehind() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("weights.safetensors")
        try SafeTensors.write(["w": Tensor(shape: [2], data: [1, 2])], to: path)
        #expect(try dir.contents() == ["weights.safetensors"])
        // Overwriting replaces the file, again with nothing left behind.
        try SafeTensors.write(["v": Tensor(shape: [1], data: [3])], to: path)
        #expect(try dir.contents() == ["weights.safetensors"])
        #expect(try SafeTensorsFile(contentsOf: path).names == ["v"])
    }

    @Test func invalidInputDoesNotClobberTheDestination() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("weights.safetensors")
        try SafeTensors.write(["w": Tensor(shape: [2], data: [1, 2])], to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write(["w": .floats([1, 2, 3], shape: [2])], to: path)
        }
        #expect(error?.description.contains(path) == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try dir.contents() == ["weights.safetensors"])
    }

    @Test func failedRenameRemovesTheTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The destination is a non-empty directory: the data is written, the rename fails.
        let path = dir.file("taken")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try writeBytes([1, 2, 3], to: path + "/keep")

        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write(["w": Tensor(shape: [2], data: [1, 2])], to: path)
        }
        let text = error?.description ?? ""
        #expect(text.contains(path), "\(text)")
        #expect(text.contains("cannot write"), "\(text)")
        #expect(try dir.contents() == ["taken"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["keep"])
    }

    @Test func missingDirectoryIsReported() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("no/such/dir/weights.safetensors")
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write(["w": Tensor(shape: [1], data: [1])], to: path)
        }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("cannot write") == true)
        #expect(try dir.contents() == [])
    }

    @Test func relativePathInTheCurrentDirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // A path without a directory part is written in (and renamed within) the current directory.
        let cwd = FileManager.default.currentDirectoryPath
        let name = "scalpel-st-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: cwd + "/" + name) }
        try SafeTensors.write(["w": Tensor(shape: [1], data: [4])], to: name)
        #expect(try SafeTensorsFile(contentsOf: name).floats("w") == [4])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cwd).filter { $0.contains(name) }
        #expect(leftovers == [name])
    }
}
