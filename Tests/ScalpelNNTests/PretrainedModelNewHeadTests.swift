import Foundation
import Testing
import ScalpelEngine
@testable import ScalpelNN

@Suite struct PretrainedModelNewHeadTests {
    @Test func keepsEveryTensorButTheHeadWhichIsFreshAndSeeded() throws {
        let config = ModelConfiguration(architecture: "resnet8", inChannels: 1, classes: 10, imageSize: 28, seed: 4)
        let trained = try config.build()
        trained.stateDict()[0].tensor.withUnsafeMutableBufferPointer { $0[0] = 42 }  // differs from any fresh init
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-head-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Checkpoint.save(trained, to: dir + "/m.safetensors", metadata: [
            "scalpel.architecture": "resnet8", "scalpel.in_channels": "1", "scalpel.classes": "10",
            "scalpel.image_size": "28", "scalpel.width": "1"])
        let pretrained = try PretrainedModel(path: dir + "/m.safetensors")
        let (model, fresh) = try pretrained.withNewHead(classes: 3, seed: 9)
        #expect(fresh == ["fc.weight", "fc.bias"])
        let old = Dictionary(uniqueKeysWithValues: trained.stateDict().map { ($0.name, $0.tensor) })
        for entry in model.stateDict() where !fresh.contains(entry.name) {
            #expect(entry.tensor.toArray() == old[entry.name]!.toArray(), "\(entry.name)")
        }
        let head = model.stateDict().first { $0.name == "fc.weight" }!.tensor
        #expect(head.shape == [3, 64])
        // Seeded: the same seed gives the same head, as a model built with that seed has.
        var reference = config
        (reference.classes, reference.seed) = (3, 9)
        let expected = try reference.build().stateDict().first { $0.name == "fc.weight" }!.tensor
        #expect(head.toArray() == expected.toArray())
        #expect(model(Tensor.zeros([2, 1, 28, 28])).shape == [2, 3])
        #expect(throws: (any Error).self) { try pretrained.withNewHead(classes: 1, seed: 0) }
    }
}
