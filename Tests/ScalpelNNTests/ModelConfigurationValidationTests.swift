import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// Sizes from flags and checkpoint metadata are bounded and checked against the checkpoint's
/// tensors before any model is built; NaN weights and negative running variances are refused.
@Suite struct ModelConfigurationValidationTests {
    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-limits-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// A ResNet-8 checkpoint (1 channel, 10 classes, width 1) with the given metadata.
    func checkpoint(metadata: [String: String], edit: (inout [String: TensorValue]) -> Void = { _ in }) throws -> String {
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 3)
        var values: [String: TensorValue] = [:]
        for e in model.stateDict() { values[e.name] = Checkpoint.value(e) }
        edit(&values)
        let base = ["scalpel.architecture": "resnet8", "scalpel.width": "1", "scalpel.in_channels": "1",
                    "scalpel.classes": "10", "scalpel.image_size": "28"]
        let path = temporaryPath("model.safetensors")
        try SafeTensors.write(values, metadata: base.merging(metadata) { $1 }, to: path)
        return path
    }

    @Test func consistentMetadataLoads() throws {
        let model = try PretrainedModel(path: try checkpoint(metadata: [:]))
        #expect(model.configuration.width == 1 && model.configuration.classes == 10)
    }

    @Test(arguments: [
        ("scalpel.width", "1000", "width: 1000 is outside 1...64"),
        ("scalpel.width", "64", "parameters"),  // in range, but ResNet-8 × 64 is ~300 M parameters
        ("scalpel.width", "2", "conv1.weight"),  // small enough to build, contradicted by the tensors
        ("scalpel.width", "9223372036854775807", "width: 9223372036854775807 is outside"),
        ("scalpel.width", "9223372036854775808", "expected a positive integer"),
        ("scalpel.width", "0", "expected a positive integer"),
        ("scalpel.width", "-1", "expected a positive integer"),
        ("scalpel.classes", "2", "fc.weight"),
        ("scalpel.classes", "1", "classes: 1 is outside 2..."),
        ("scalpel.in_channels", "3", "conv1.weight"),
        ("scalpel.image_size", "100000", "image_size: 100000 is outside"),
    ])
    func metadataContradictingTheFileIsRefusedBeforeBuilding(_ key: String, _ value: String, _ mention: String) throws {
        let path = try checkpoint(metadata: [key: value])
        do {
            _ = try PretrainedModel(path: path)
            Issue.record("\(key) = \(value) was accepted")
        } catch {
            let text = String(describing: error)
            #expect(text.contains(path), "\(text)")
            #expect(text.contains(mention), "\(text) should mention \(mention)")
        }
    }

    @Test func limitsAreCheckedWithoutAFile() throws {
        #expect(throws: ModelConfigurationError.self) {
            try ModelConfiguration(architecture: "mlp2", inChannels: 64, classes: 10, width: 64, imageSize: 1024).validate()
        }
        #expect(throws: ModelConfigurationError.self) {
            try ModelConfiguration(architecture: "vit", inChannels: 3, classes: 10, imageSize: 1023).validate()
        }
        try ModelConfiguration(architecture: "resnet50", inChannels: 3, classes: 1000, imageSize: 224).validate()
        try ModelConfiguration(architecture: "vit", inChannels: 3, classes: 10, imageSize: 32).validate()
    }

    /// The estimate the parameter cap uses is close to the built model's count.
    @Test(arguments: [("resnet8", 1, 1), ("resnet26", 3, 2), ("resnet20", 1, 4), ("mlp2", 1, 2), ("vit", 3, 1),
                      ("resnet18", 3, 1)])
    func estimateIsCloseToTheBuiltModel(_ arch: String, _ channels: Int, _ width: Int) throws {
        let config = ModelConfiguration(architecture: arch, inChannels: channels, classes: 10, width: width, imageSize: 32)
        let state = try config.build().stateDict()
        let built = state.reduce(0) { $0 + $1.tensor.count }
        let estimate = try #require(config.estimatedParameterCount)
        #expect(abs(Double(estimate - built)) <= 0.05 * Double(built), "\(arch): estimate \(estimate), built \(built)")
        for (name, shape) in config.anchorShapes {
            #expect(state.first { $0.name == name }?.tensor.shape == shape, "\(arch) \(name)")
        }
    }

    @Test(arguments: [("conv1.weight", Float.nan, "finite"), ("fc.bias", Float.infinity, "finite"),
                      ("bn1.running_var", Float(-0.5), "variance ≥ 0")])
    func impossibleValuesAreRefusedNamingTheTensor(_ name: String, _ bad: Float, _ mention: String) throws {
        let path = try checkpoint(metadata: [:]) { values in
            guard case .float32(let t) = values[name]! else { return }
            var v = t.toArray()
            v[1] = bad
            values[name] = .floats(v, shape: t.shape)
        }
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 9)
        let before = model.fc.bias!.toArray()
        let error = #expect(throws: CheckpointValueError.self) { try Checkpoint.load(model, from: path) }
        #expect(error?.description.contains(path) == true && error?.description.contains("'\(name)'") == true)
        #expect(error?.description.contains(mention) == true && error?.index == 1)
        #expect(model.fc.bias!.toArray() == before, "nothing changes when a value is refused")
    }

    @Test func longKeyListsAreShortened() {
        var error = CheckpointError(path: "x.safetensors")
        error.missing = (0..<500).map { "layer.\($0).weight" }
        let text = error.description
        #expect(text.contains("missing keys (500)") && text.contains("… (488 more)"))
        #expect(text.count < 400)
    }
}
