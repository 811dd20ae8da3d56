import Foundation
import SafeTensors
import Testing
@testable import PyTorchCheckpoint

/// Checkpoints are told apart by content: a `.pth` under any name opens as the safetensors file
/// of its state dict, a safetensors file opens as it is.
@Suite struct CheckpointFileTests {
    @Test func formatsAreSniffedNotGuessedFromTheExtension() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disguised = directory + "/weights.safetensors"
        try FileManager.default.copyItem(atPath: fixture("nested_legacy.pth"), toPath: disguised)
        #expect(try CheckpointFile.format(of: disguised) == .pytorch)
        #expect(try CheckpointFile.format(of: fixture("state_zip.pth")) == .pytorch)
        #expect(try CheckpointFile.format(of: fixture("state_expected.safetensors")) == .safetensors)

        let file = try CheckpointFile.open(disguised)
        let expected = try SafeTensorsFile(contentsOf: fixture("nested_expected.safetensors"))
        #expect(file.names == expected.names)
        #expect(file.path == disguised)
        for name in expected.names {
            #expect(try file.rawBytes(name) == expected.rawBytes(name))
            #expect(file.entries[name]?.dtype == expected.entries[name]?.dtype)
        }
        let plain = try CheckpointFile.open(fixture("state_expected.safetensors"))
        #expect(plain.names == (try SafeTensorsFile(contentsOf: fixture("state_expected.safetensors")).names))
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: SafeTensorsError.self) { try CheckpointFile.open("/nonexistent/model.pth") }
        #expect(error?.path == "/nonexistent/model.pth" && error?.reason == .cannotRead("no such file"))
        #expect(throws: PyTorchCheckpointError.self) { try CheckpointFile.format(of: "/nonexistent/model.pth") }
    }

    /// A safetensors header of 640 bytes starts the file with 0x80 0x02, like a pickle's PROTO 2.
    @Test func aSafetensorsHeaderLengthThatLooksLikeAPickle() throws {
        let values: [String: TensorValue] = ["w": .floats([1, 2], shape: [2])]
        var lookalike: Data?
        for n in 0..<700 where lookalike == nil {
            let data = try SafeTensors.encode(values, metadata: ["pad": String(repeating: "x", count: n)])
            if data.prefix(2) == Data([0x80, 0x02]) { lookalike = data }
        }
        let data = try #require(lookalike)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-\(UUID().uuidString).safetensors").path
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CheckpointFile.format(of: path) == .safetensors)
        #expect(try CheckpointFile.open(path).floats("w") == [1, 2])
        #expect(try CheckpointFile.open(data: data, path: path).names == ["w"])
    }
}
