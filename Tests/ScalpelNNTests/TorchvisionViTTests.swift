import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// torchvision's Vision Transformer (`TorchvisionViT`) against torchvision itself
/// (scripts/fixtures/vit_tv.py): logits, loss and every gradient of a tiny one, the
/// `state_dict` names and shapes of the real `vit_b_16`, and recognition from those names.
@Suite struct TorchvisionViTTests {
    static let directory = fixturesRoot + "/models"

    /// The `(name, shape)` entries of torchvision's `vit_b_16` state dict, in order.
    static func vitB16Entries() throws -> [(String, [Int])] {
        let text = try String(contentsOfFile: directory + "/vit_b_16.names.txt", encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (String(parts[0]), parts[1].split(separator: ",").map { Int($0)! })
        }
    }

    @Test func tinyMatchesPyTorch() throws {
        let f = try SafeTensorsFile(contentsOf: "\(Self.directory)/vit_tv_tiny.safetensors")
        let model = TorchvisionViT(.tiny, classes: 10)
        DeterministicFill.fill(model)
        try checkAgainstPyTorch(model, fixture: f, config: "vit_tv_tiny")
    }

    @Test func vitB16StateDictNamesAndShapesAreTorchvisions() throws {
        let expected = try Self.vitB16Entries()
        let model = try ModelConfiguration(architecture: "vit_b_16", classes: 1000, imageSize: 224).build()
        let mine = model.stateDict().map { ($0.name, $0.tensor.shape) }
        let count = model.namedParameters().reduce(0) { $0 + $1.1.count }
        #expect(count == 86_567_656, "torchvision's vit_b_16 has 86,567,656 parameters")
        #expect(ModelConfiguration(architecture: "vit_b_16", classes: 1000, imageSize: 224).estimatedParameterCount == count)
        #expect(mine.count == expected.count && expected.count == 152, "\(mine.count) entries, torchvision \(expected.count)")
        for (a, b) in zip(mine, expected) where a.0 != b.0 || a.1 != b.1 {
            Issue.record("\(a.0) \(a.1) where torchvision has \(b.0) \(b.1)")
            return
        }
    }

    @Test func detectsVitB16FromItsNames() throws {
        let entries = try Self.vitB16Entries()
        let config = try ArchitectureDetection.detect(names: entries.map(\.0), shapes: entries.map(\.1))
        #expect(config == ModelConfiguration(architecture: "vit_b_16", inChannels: 3, classes: 1000, imageSize: 224))
    }

    @Test func detectsTinyAndRefusesOtherSizes() throws {
        let tiny = TorchvisionViT(.tiny, inChannels: 1, classes: 7).stateDict()
        let config = try ArchitectureDetection.detect(names: tiny.map(\.name), shapes: tiny.map(\.tensor.shape))
        #expect(config == ModelConfiguration(architecture: "vit_tv_tiny", inChannels: 1, classes: 7, imageSize: 32))
        var deeper = TorchvisionViT.Configuration.tiny
        deeper.layers = 3
        let other = TorchvisionViT(deeper).stateDict()
        #expect(throws: ArchitectureDetectionError.self) {
            try ArchitectureDetection.detect(names: other.map(\.name), shapes: other.map(\.tensor.shape))
        }
    }

    @Test func oldMLPNamesAreRefusedSayingHowToRenameThem() {
        let names = TorchvisionViT(.tiny).stateDict().map {
            $0.name.replacingOccurrences(of: "mlp.0.", with: "mlp.linear_1.").replacingOccurrences(of: "mlp.3.", with: "mlp.linear_2.")
        }
        let shapes = TorchvisionViT(.tiny).stateDict().map(\.tensor.shape)
        do {
            _ = try ArchitectureDetection.detect(names: names, shapes: shapes)
            Issue.record("old names were accepted")
        } catch {
            #expect(String(describing: error).contains("rename them mlp.0, mlp.3"), "\(error)")
        }
    }

    @Test func blocksCoverEveryParameterOnce() throws {
        let model = try ModelConfiguration(architecture: "vit_tv_tiny", imageSize: 48).build()
        let byBlock = model.parametersByBlock().flatMap { $0.parameters.map(\.0) }
        #expect(byBlock.sorted() == model.namedParameters().map(\.0).sorted())
        #expect(model.blockNames == ["embed", "block1", "block2", "last"])
        #expect(model.architecture == "vit_tv_tiny")
        #expect(model(Tensor.zeros([2, 3, 48, 48])).shape == [2, 10])
    }

    @Test func aStateDictWithoutMetadataLoadsAsTheSameModel() throws {
        var sizes = TorchvisionViT.Configuration.tiny
        sizes.imageSize = 48
        let original = TorchvisionViT(sizes, inChannels: 1, classes: 5)
        DeterministicFill.fill(original)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vit_tv_\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(original, to: path)
        let loaded = try PretrainedModel(path: path)
        #expect(loaded.configuration == ModelConfiguration(architecture: "vit_tv_tiny", inChannels: 1, classes: 5,
                                                           imageSize: 48))
        let values: [Float] = (0..<(2 * 48 * 48)).map { i in Float((i * 37) % 101) / 50 - 1 }
        let x = Tensor(shape: [2, 1, 48, 48], data: values)
        original.eval()
        loaded.model.eval()
        let mine: [Float] = withNoGrad { loaded.model(x) }.toArray()
        let reference: [Float] = withNoGrad { original(x) }.toArray()
        #expect(mine == reference)
    }

    @Test func imageSizeMustBeAMultipleOfThePatch() {
        #expect(throws: ModelConfigurationError.self) {
            try ModelConfiguration(architecture: "vit_b_16", imageSize: 100).build()
        }
        #expect(throws: ModelConfigurationError(path: "a.safetensors", field: "image_size",
                                                problem: "100 is not a multiple of vit_b_16's patch size 16")) {
            try ModelConfiguration(architecture: "vit_b_16", imageSize: 100).validate(path: "a.safetensors")
        }
    }
}
