import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// Fine-tuning patches (issue 3, acceptance item 4): base + patch reproduces the fine-tuned
/// model exactly, a block patch is small, a patch refuses any other base; BN statistics are
/// carried when they changed; the manifest round-trips; SHA-256 against FIPS 180-4 vectors.
@Suite struct PatchTests {
    /// A fresh temporary directory, removed by the caller's `defer`.
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("scalpel-patch-\(UInt64.random(in: 0...UInt64.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func smallResNet(seed: UInt64 = 0) -> CIFARResNet {
        CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: seed)
    }

    /// A batch of random 8×8 single-channel images with labels.
    static func batch(seed: UInt64, count: Int = 8) -> (Tensor, [Int]) {
        var rng = RandomGenerator(seed: seed)
        let x = Tensor.randn([count, 1, 8, 8], using: &rng)
        return (x, (0..<count).map { _ in rng.nextInt(below: 10) })
    }

    /// Two real fine-tuning steps: cross-entropy, backward, SGD update of the trainable
    /// parameters, with BN in the mode `policy` says.
    static func fineTune(_ model: CIFARResNet, selection: String, batchNorm policy: BatchNormPolicy) throws {
        try model.setTrainable(selection)
        model.train(batchNorm: policy)
        for step in 0..<2 {
            let (x, labels) = batch(seed: 100 + UInt64(step))
            model.zeroGrad()
            crossEntropy(model(x), targets: labels).backward()
            for (_, p) in model.trainableParameters() {
                guard let g = p.grad?.toArray() else { continue }
                p.withUnsafeMutableBufferPointer { w in for i in 0..<w.count { w[i] -= 0.05 * g[i] } }
            }
        }
    }

    static func evalLogits(_ model: CIFARResNet) -> [Float] {
        model.eval()
        return withNoGrad { model(batch(seed: 7).0) }.toArray()
    }

    /// Every state entry's values, bit patterns, by name.
    static func stateBits(_ model: Module) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.toArray().map(\.bitPattern)) })
    }

    static func blockNames(_ model: CIFARResNet, _ block: String) -> Set<String> {
        let b = model.blocks.first { $0.name == block }!
        return Set(model.stateDict().map(\.name).filter { b.contains($0) })
    }

    // MARK: - Round trip

    @Test(arguments: [BatchNormPolicy.frozen, .updating])
    func basePlusPatchReproducesTheFineTunedModel(policy: BatchNormPolicy) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = Self.smallResNet()
        let basePath = dir + "/base.safetensors", patchPath = dir + "/block1.patch.safetensors"
        try Checkpoint.save(model, to: basePath)

        try Self.fineTune(model, selection: "block1", batchNorm: policy)
        let tuned = Self.evalLogits(model)
        let manifest = try Patch.create(model: model, baseCheckpointPath: basePath, selection: .block("block1"),
                                        method: "surgical", hyperparameters: ["lr": "0.05", "batch_norm": policy.rawValue],
                                        to: patchPath)

        // A model built from another seed: every entry must come from base + patch.
        let restored = Self.smallResNet(seed: 99)
        try Patch.apply(patchPath, to: restored, baseCheckpointPath: basePath)
        #expect(Self.evalLogits(restored) == tuned)
        #expect(Self.stateBits(restored) == Self.stateBits(model))

        let block1 = Self.blockNames(model, "block1")
        let parameters = Set(model.namedParameters().map(\.0))
        let patchedParameters = Set(manifest.tensors).intersection(parameters)
        #expect(patchedParameters == block1.intersection(parameters), "exactly block1's parameters changed")
        #expect(manifest.tensors == model.stateDict().map(\.name).filter(Set(manifest.tensors).contains),
                "tensors listed in state_dict order")
    }

    // MARK: - BatchNorm statistics

    @Test func trainModeBatchNormStatisticsAreInThePatch() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = Self.smallResNet()
        let basePath = dir + "/base.safetensors", patchPath = dir + "/p.safetensors"
        try Checkpoint.save(model, to: basePath)
        try Self.fineTune(model, selection: "block1", batchNorm: .updating)
        let manifest = try Patch.create(model: model, baseCheckpointPath: basePath, selection: .block("block1"),
                                        method: "surgical", to: patchPath)

        #expect(manifest.batchNormStatistics)
        // Train-mode BN updates the statistics of every BN layer the batches pass through,
        // frozen blocks included.
        let buffers = Set(model.namedBuffers().map(\.0))
        #expect(Set(manifest.tensors).intersection(buffers) == buffers)
        let file = try SafeTensorsFile(contentsOf: patchPath)
        #expect(try file.entry("layer1.0.bn1.num_batches_tracked").dtype == .int64)
        #expect(try file.int64s("bn1.num_batches_tracked") == [2])
        #expect(try file.entry("layer1.0.bn1.running_var").dtype == .float32)

        let restored = Self.smallResNet(seed: 5)
        try Patch.apply(patchPath, to: restored, baseCheckpointPath: basePath)
        for (name, b) in restored.namedBuffers() {
            let tuned = model.namedBuffers().first { $0.0 == name }!.1.tensor
            #expect(b.tensor.toArray() == tuned.toArray(), "\(name)")
        }
        #expect(restored.bn1.numBatchesTracked.item == 2)
    }

    @Test func evalModeBatchNormStatisticsAreNotInThePatch() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = Self.smallResNet()
        let basePath = dir + "/base.safetensors", patchPath = dir + "/p.safetensors"
        try Checkpoint.save(model, to: basePath)
        try Self.fineTune(model, selection: "block1", batchNorm: .frozen)
        let manifest = try Patch.create(model: model, baseCheckpointPath: basePath, selection: .block("block1"),
                                        method: "surgical", to: patchPath)
        #expect(!manifest.batchNormStatistics)
        let buffers = Set(model.namedBuffers().map(\.0))
        #expect(Set(manifest.tensors).isDisjoint(with: buffers))
        #expect(!manifest.tensors.isEmpty)
    }

    // MARK: - Size

    @Test func block1PatchOfResNet26IsUnderTenPercentOfTheCheckpoint() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = CIFARResNet(inChannels: 3, classes: 10, width: 1, blocksPerStage: 4)
        #expect(model.architecture == "resnet26")
        let basePath = dir + "/resnet26.safetensors", patchPath = dir + "/block1.patch.safetensors"
        try Checkpoint.save(model, to: basePath)

        // Fine-tuning block1 with eval-mode BN changes exactly block1's parameters.
        try model.setTrainable("block1")
        var rng = RandomGenerator(seed: 3)
        for (_, p) in model.trainableParameters() {
            p.withUnsafeMutableBufferPointer { w in for i in 0..<w.count { w[i] += 1e-3 * rng.nextNormal() } }
        }
        let manifest = try Patch.create(model: model, baseCheckpointPath: basePath, selection: .block("block1"),
                                        method: "surgical", to: patchPath)
        #expect(Set(manifest.tensors) == Set(model.trainableParameters().map(\.0)))

        let full = try FileManager.default.attributesOfItem(atPath: basePath)[.size] as! Int
        let patch = try FileManager.default.attributesOfItem(atPath: patchPath)[.size] as! Int
        print("resnet26 checkpoint: \(full) bytes; block1 patch: \(patch) bytes "
              + "(\(String(format: "%.1f", 100 * Double(patch) / Double(full)))%)")
        #expect(patch * 10 < full)

        let restored = CIFARResNet(inChannels: 3, classes: 10, width: 1, blocksPerStage: 4, seed: 1)
        try Patch.apply(patchPath, to: restored, baseCheckpointPath: basePath)
        #expect(Self.stateBits(restored) == Self.stateBits(model))
    }
}
