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

    @Test func aNewHeadOnAPthKeepsItsTensorsWithoutNumBatchesTracked() throws {
        // scripts/fixtures/pth.py: legacy torch.save of {"state_dict": {"module.…": float16}, "epoch": 90},
        // no num_batches_tracked, no Scalpel metadata (the family comes from the tensor names).
        let pretrained = try PretrainedModel(path: fixturesRoot + "/models/resnet8_c1_w1.checkpoint.pth")
        #expect(pretrained.configuration.architecture == "resnet8")
        let (model, fresh) = try pretrained.withNewHead(classes: 3, seed: 9)
        #expect(fresh == ["fc.weight", "fc.bias"])
        for e in model.stateDict() where !fresh.contains(e.name) && !e.name.hasSuffix("num_batches_tracked") {
            #expect(e.tensor.toArray() == DeterministicFill.values(e.name, e.tensor.shape), "\(e.name)")
        }
        #expect(model.stateDict().first { $0.name == "fc.weight" }!.tensor.shape == [3, 64])
    }

    @Test func aDetectedImageNetFamilyKeepsItsResolution() throws {
        // No Scalpel metadata, as a `.pth` from PyTorch: the size is EfficientNet-Lite0's 224, not
        // the flags' default, so 224×224 targets pass `finetune`'s size check.
        let net = EfficientNetLite(.lite0, inChannels: 3, classes: 4, seed: 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-head-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Checkpoint.save(net, to: dir + "/lite0.safetensors")
        let fallback = ModelConfiguration(architecture: "resnet26", inChannels: 1, classes: 10, imageSize: 28)
        let pretrained = try PretrainedModel(path: dir + "/lite0.safetensors", fallback: fallback)
        #expect(pretrained.configuration.architecture == "efficientnet-lite0")
        #expect(pretrained.configuration.imageSize == 224)
        #expect(pretrained.configuration.inChannels == 3 && pretrained.configuration.classes == 4)
    }
}
