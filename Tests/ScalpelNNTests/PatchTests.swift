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

    // MARK: - Refusals

    @Test func aPatchRefusesADifferentBase() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = Self.smallResNet(seed: 0)
        let basePath = dir + "/base.safetensors", otherPath = dir + "/other.safetensors"
        let patchPath = dir + "/p.safetensors"
        try Checkpoint.save(model, to: basePath)
        try Checkpoint.save(Self.smallResNet(seed: 1), to: otherPath)
        try Self.fineTune(model, selection: "block1", batchNorm: .frozen)
        let manifest = try Patch.create(model: model, baseCheckpointPath: basePath, selection: .block("block1"),
                                        method: "surgical", to: patchPath)

        let target = Self.smallResNet(seed: 2)
        let before = Self.stateBits(target)
        let otherHash = try FileHash.sha256(ofFile: otherPath)
        #expect(otherHash != manifest.baseSHA256)
        do {
            try Patch.apply(patchPath, to: target, baseCheckpointPath: otherPath)
            Issue.record("a patch was applied to a base with another hash")
        } catch let error as PatchError {
            #expect(error == .baseMismatch(patch: patchPath, base: otherPath, baseFileName: "base.safetensors",
                                           expected: manifest.baseSHA256, found: otherHash))
            let message = error.description
            #expect(message.contains("hash mismatch"))
            for part in [patchPath, otherPath, manifest.baseSHA256, otherHash] { #expect(message.contains(part)) }
        }
        #expect(Self.stateBits(target) == before, "a refused patch leaves the model untouched")
    }

    @Test func aPatchThatDoesNotFitTheModelNamesTheTensors() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Made on a ResNet-14 (two BasicBlocks per stage): layer1.1.* exists only there.
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 2)
        let basePath = dir + "/base.safetensors", patchPath = dir + "/p.safetensors"
        try Checkpoint.save(model, to: basePath)
        try Self.fineTune(model, selection: "block1", batchNorm: .frozen)
        try Patch.create(model: model, baseCheckpointPath: basePath, selection: .block("block1"), method: "surgical",
                         to: patchPath)

        let shallow = Self.smallResNet()
        #expect { try Patch.apply(patchPath, to: shallow, baseCheckpointPath: basePath) } throws: { error in
            guard case .doesNotFitModel(_, _, _, let unknown, let shapes) = error as? PatchError else { return false }
            return unknown.contains("layer1.1.conv1.weight") && shapes.isEmpty
                && "\(error)".contains("layer1.1.conv1.weight")
        }
        let wide = CIFARResNet(inChannels: 1, classes: 10, width: 2, blocksPerStage: 2)
        #expect { try Patch.apply(patchPath, to: wide, baseCheckpointPath: basePath) } throws: { error in
            guard case .doesNotFitModel(_, _, _, let unknown, let shapes) = error as? PatchError else { return false }
            return unknown.isEmpty && shapes.contains { $0.name == "layer1.0.conv1.weight" }
                && "\(error)".contains("shape mismatch for layer1.0.conv1.weight")
        }
    }

    @Test func aCheckpointIsNotAPatch() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = Self.smallResNet()
        let basePath = dir + "/base.safetensors"
        try Checkpoint.save(model, to: basePath)
        #expect(throws: PatchError.notAPatch(path: basePath)) {
            try Patch.apply(basePath, to: model, baseCheckpointPath: basePath)
        }
        #expect(throws: PatchError.wouldOverwriteBase(path: basePath)) {
            try Patch.create(model: model, baseCheckpointPath: basePath, selection: .all, method: "full", to: basePath)
        }
    }

    // MARK: - Manifest

    @Test func manifestRoundTrips() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = Self.smallResNet()
        let basePath = dir + "/base.safetensors", patchPath = dir + "/p.safetensors"
        try Checkpoint.save(model, to: basePath)
        try Self.fineTune(model, selection: "stem+block1", batchNorm: .updating)
        let hyper = ["lr": "0.05", "epochs": "2", "batch_norm": "train", "optimizer": "sgd"]
        let metrics = ["accuracy": 0.625, "loss": 1.25e-3, "diverged_loss": .infinity]
        let manifest = try Patch.create(model: model, baseCheckpointPath: basePath, selection: .union(.block("stem"), .block("block1")),
                                        method: "surgical", hyperparameters: hyper, metrics: metrics, to: patchPath)

        #expect(manifest.formatVersion == Patch.formatVersion)
        #expect(manifest.baseSHA256 == (try FileHash.sha256(ofFile: basePath)))
        #expect(manifest.baseSHA256.count == 64)
        #expect(manifest.baseFileName == "base.safetensors")
        #expect(manifest.baseArchitecture == "resnet8")
        #expect(manifest.selection == "stem+block1")
        #expect(manifest.method == "surgical")
        #expect(manifest.hyperparameters == hyper)
        #expect(manifest.metrics == metrics)
        #expect(manifest.scalpelVersion == Patch.scalpelVersion)
        #expect(ISO8601DateFormatter().date(from: manifest.createdAt) != nil, "\(manifest.createdAt)")

        // From the patch file's metadata, from the side file, and through JSON.
        #expect(try Patch.readManifest(patchPath) == manifest)
        let side = try Data(contentsOf: URL(fileURLWithPath: Patch.manifestPath(for: patchPath)))
        #expect(try PatchManifest(json: side) == manifest)
        #expect(String(decoding: side, as: UTF8.self).contains("\n  \"baseSHA256\""), "pretty-printed")
        #expect(try PatchManifest(json: manifest.json(pretty: false)) == manifest)
        let file = try SafeTensorsFile(contentsOf: patchPath)
        #expect(file.names.sorted() == manifest.tensors.sorted())
        #expect(file.metadata.keys.sorted() == [Patch.metadataKey])
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
                == ["base.safetensors", "p.safetensors", "p.safetensors.json"])
    }

    // MARK: - SHA-256

    @Test func sha256MatchesTheFIPSVectors() {
        func hex(_ s: String) -> String { FileHash.sha256(Data(s.utf8)) }
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func sha256StreamsAFileInChunks() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.bin"
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: path))
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        // Chunks shorter than, equal to and longer than a block, and one chunk for the whole file.
        for chunk in [63, 64, 65, 4096 + 13, 1 << 20] {
            #expect(try FileHash.sha256(ofFile: path, chunkSize: chunk) == expected, "chunk \(chunk)")
        }
        var hasher = SHA256Hasher()
        let bytes = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        for b in bytes { hasher.update([b]) }
        #expect(hasher.finalizeHex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(throws: FileHashError.self) { try FileHash.sha256(ofFile: dir + "/missing") }
    }
}
