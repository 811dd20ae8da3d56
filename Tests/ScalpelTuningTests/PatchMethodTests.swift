import Foundation
import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// `Patch.create` with a typed `MethodSpec` and `Selection` (issue 16): the manifest records the
/// method's canonical text and the selection it trained, the candidate selection by default.
@Suite struct PatchMethodTests {
    /// Writes a base checkpoint of a small ResNet, moves `block1`'s first parameter, and patches
    /// with `method`; returns the manifest.
    static func patch(method: String, selection: Selection? = nil) throws -> PatchManifest {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("scalpel-patch-method-\(UInt64.random(in: 0...UInt64.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 0)
        try Checkpoint.save(model, to: dir + "/base.safetensors")
        let names = try Selection.block("block1").parameterNames(in: model)
        let moved = try #require(model.namedParameters().first { names.contains($0.0) })
        moved.1.withUnsafeMutableBufferPointer { $0[0] += 1 }
        let manifest = try Patch.create(model: model, baseCheckpointPath: dir + "/base.safetensors", selection: selection,
                                        method: MethodSpec(parsing: method), to: dir + "/p.safetensors")
        #expect(manifest.tensors == [moved.0])
        return manifest
    }

    @Test func theSurgicalSelectionIsRecordedFromTheMethod() throws {
        let manifest = try Self.patch(method: "surgical:stem+block1")
        #expect(manifest.selection == "stem+block1")
        #expect(manifest.method == "surgical:stem+block1")
    }

    @Test func otherMethodsRecordTheirCandidatesOrTheGivenSelection() throws {
        #expect(try Self.patch(method: "last").selection == "last:1")
        #expect(try Self.patch(method: "auto-rgn:authors").selection == "all")
        let chosen = try Self.patch(method: "cross-val", selection: .block("block1"))
        #expect(chosen.selection == "block1" && chosen.method == "cross-val")
    }
}
