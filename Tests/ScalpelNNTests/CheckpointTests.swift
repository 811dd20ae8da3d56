import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

@Suite struct CheckpointTests {
    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-ckpt-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test func roundTripRestoresEveryTensor() throws {
        let a = CIFARResNet(inChannels: 1, classes: 10, blocksPerStage: 1, seed: 1)
        a.bn1.runningMean.withUnsafeMutableBufferPointer { $0[0] = 0.5 }
        a.bn1.numBatchesTracked.withUnsafeMutableBufferPointer { $0[0] = 7 }
        let path = temporaryPath("a.safetensors")
        try Checkpoint.save(a, to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.entries["bn1.num_batches_tracked"]?.dtype == .int64, "stored as int64 like PyTorch")
        let b = CIFARResNet(inChannels: 1, classes: 10, blocksPerStage: 1, seed: 2)
        try Checkpoint.load(b, from: path)
        for (x, y) in zip(a.stateDict(), b.stateDict()) {
            #expect(x.name == y.name && x.tensor.toArray() == y.tensor.toArray(), "\(x.name)")
        }
    }

    @Test func mismatchListsMissingUnexpectedAndShapesInOneError() throws {
        let model = CIFARResNet(inChannels: 1, classes: 10, blocksPerStage: 1)
        var values: [String: TensorValue] = [:]
        for e in model.stateDict() where e.name != "layer1.0.conv1.weight" { values[e.name] = Checkpoint.value(e) }
        values["fc.weight"] = .floats([Float](repeating: 0, count: 5 * 64), shape: [5, 64])
        values["head.extra"] = .floats([1, 2], shape: [2])
        let path = temporaryPath("bad.safetensors")
        try SafeTensors.write(values, to: path)
        let before = model.fc.bias!.toArray()
        do {
            try Checkpoint.load(model, from: path)
            Issue.record("a mismatched checkpoint loaded")
        } catch let error as CheckpointError {
            #expect(error.missing == ["layer1.0.conv1.weight"])
            #expect(error.unexpected == ["head.extra"])
            #expect(error.shapeMismatches == [.init(name: "fc.weight", expected: [10, 64], found: [5, 64])])
            let text = error.description
            #expect(text.contains(path) && text.contains("layer1.0.conv1.weight") && text.contains("head.extra")
                    && text.contains("fc.weight"))
        }
        #expect(model.fc.bias!.toArray() == before, "nothing changes when the checkpoint does not match")
    }

    @Test func stateDictNamesFollowTorchvision() {
        let names = CIFARResNet(inChannels: 3, classes: 10).stateDict().map(\.name)
        #expect(names.prefix(6) == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                                    "bn1.num_batches_tracked"])
        #expect(names.contains("layer2.0.downsample.0.weight") && names.contains("layer2.0.downsample.1.running_var"))
        #expect(names.last == "fc.bias")
    }
}
