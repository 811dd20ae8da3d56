import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// Patches that must be refused (another base, another model, a plain checkpoint), and the
/// manifest written beside a patch.
extension PatchTests {

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
}
