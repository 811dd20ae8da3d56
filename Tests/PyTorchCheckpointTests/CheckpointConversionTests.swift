import Foundation
import SafeTensors
import Testing
@testable import PyTorchCheckpoint

/// `PyTorchCheckpoint.convert` (behind `scalpel convert`): the safetensors twin, written
/// atomically, never over its input nor, unless asked, over an existing file.
@Suite final class CheckpointConversionTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pth-convert-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    @Test func writesTheStateDictWithItsMetadata() throws {
        let output = directory + "/nested.safetensors"
        let state = try PyTorchCheckpoint.convert(fixture("nested_zip.pth"), to: output,
                                                  metadata: ["scalpel.architecture": "resnet8", "scalpel.classes": "10"])
        #expect(state.key == "state_dict" && state.strippedPrefix == "module.")
        let written = try SafeTensorsFile(contentsOf: output)
        let expected = try SafeTensorsFile(contentsOf: fixture("nested_expected.safetensors"))
        #expect(written.metadata == ["scalpel.architecture": "resnet8", "scalpel.classes": "10"])
        #expect(written.names == expected.names)
        for name in expected.names {
            #expect(try written.rawBytes(name) == expected.rawBytes(name))
            #expect(written.entries[name]?.dtype == expected.entries[name]?.dtype)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["nested.safetensors"], "no temporary left")
    }

    @Test func neverOverwritesItsInputNorAnExistingFileUnlessAsked() throws {
        let input = directory + "/model.pth"
        try FileManager.default.copyItem(atPath: fixture("nested_legacy.pth"), toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let same = #expect(throws: PyTorchCheckpointError.self) {
            try PyTorchCheckpoint.convert(input, to: directory + "/./model.pth", replace: true)
        }
        #expect(same?.reason.contains("is the input file itself") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)

        let output = directory + "/out.safetensors"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: output))
        let exists = #expect(throws: PyTorchCheckpointError.self) { try PyTorchCheckpoint.convert(input, to: output) }
        #expect(exists?.reason.contains("already exists") == true)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep me")
        try PyTorchCheckpoint.convert(input, to: output, replace: true)
        #expect(try SafeTensorsFile(contentsOf: output).names.count == 3)
    }

    @Test func aRefusedInputLeavesNothingBehind() throws {
        let output = directory + "/evil.safetensors"
        #expect(throws: PyTorchCheckpointError.self) { try PyTorchCheckpoint.convert(fixture("evil_zip.pth"), to: output) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}
