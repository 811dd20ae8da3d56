import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// Checkpoints written by PyTorch's own `torch.save` load like safetensors ones, with PyTorch's
/// one leniency (a missing `num_batches_tracked`) and every other mismatch listed in one error.
@Suite struct CheckpointPyTorchTests {
    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-pth-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test func aDataParallelPthLoadsWithoutNumBatchesTracked() throws {
        // scripts/fixtures/pth.py: {"state_dict": {"module.…": float16}, "epoch": 90}, legacy format.
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1)
        model.bn1.numBatchesTracked.withUnsafeMutableBufferPointer { $0[0] = 5 }
        try Checkpoint.load(model, from: fixturesRoot + "/models/resnet8_c1_w1.checkpoint.pth")
        for e in model.stateDict() where !e.name.hasSuffix("num_batches_tracked") {
            #expect(e.tensor.toArray() == DeterministicFill.values(e.name, e.tensor.shape), "\(e.name)")
        }
        #expect(model.bn1.numBatchesTracked.item == 5, "the model keeps its own count")
    }

    @Test func onlyNumBatchesTrackedMayBeMissing() throws {
        let model = CIFARResNet(inChannels: 1, classes: 10, blocksPerStage: 1)
        var values: [String: TensorValue] = [:]
        for e in model.stateDict() where !e.name.hasSuffix(".num_batches_tracked") && e.name != "bn1.running_var" {
            values[e.name] = Checkpoint.value(e)
        }
        let path = temporaryPath("partial.safetensors")
        try SafeTensors.write(values, to: path)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(model, from: path) }
        #expect(error?.missing == ["bn1.running_var"])
    }

    @Test func longListsAreCountedAndShortened() throws {
        let model = CIFARResNet(inChannels: 1, classes: 10, blocksPerStage: 1)
        let path = temporaryPath("other.safetensors")
        let others = (0..<30).map { "other.\($0)" }
        try SafeTensors.write(Dictionary(uniqueKeysWithValues: others.map { ($0, TensorValue.floats([1], shape: [1])) }), to: path)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(model, from: path) }
        let missing = model.stateDict().filter { !$0.name.hasSuffix("num_batches_tracked") }.count
        #expect(error?.missing.count == missing)
        #expect(error?.unexpected.count == 30)
        let text = error?.description ?? ""
        #expect(text.contains("missing keys (\(missing)): conv1.weight, ") && text.contains("… (\(missing - 12) more)"))
        #expect(text.contains("unexpected keys (30): ") && text.contains("… (18 more)"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count < 1000 })
    }

    @Test func aPatchAgainstAPthBaseAppliesExactly() throws {
        let base = fixturesRoot + "/models/resnet8_c1_w1.checkpoint.pth"
        let tuned = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1)
        try Checkpoint.load(tuned, from: base)
        let weight = try #require(tuned.namedParameters().first { $0.0 == "layer1.0.conv1.weight" }?.1)
        weight.withUnsafeMutableBufferPointer { $0[0] += 0.25 }
        tuned.bn1.numBatchesTracked.withUnsafeMutableBufferPointer { $0[0] = 3 }
        let patchPath = temporaryPath("p.safetensors")
        let manifest = try Patch.create(model: tuned, baseCheckpointPath: base, selection: .block("block1"), method: "surgical",
                                        to: patchPath)
        #expect(manifest.tensors.contains("layer1.0.conv1.weight") && manifest.tensors.contains("bn1.num_batches_tracked"))
        #expect(!manifest.tensors.contains("layer1.0.conv2.weight"))
        let restored = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 9)
        try Patch.apply(patchPath, to: restored, baseCheckpointPath: base)
        for (a, b) in zip(tuned.stateDict(), restored.stateDict()) {
            #expect(a.name == b.name && a.tensor.toArray() == b.tensor.toArray(), "\(a.name)")
        }
    }
}
