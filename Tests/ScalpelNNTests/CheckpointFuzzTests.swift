import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// Every fuzz case is reproducible from its index: the engine's seeded generator.
typealias FuzzRandom = RandomGenerator

/// Generated hostile checkpoints and patches: metadata with random sizes and architectures,
/// tensors with random shapes and values, patch manifests with random fields. None crashes or
/// allocates without bound; every refusal names the file (and the field or tensor).
@Suite struct CheckpointFuzzTests {
    static let directory: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-ckpt-fuzz-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static let architectures = ["resnet8", "resnet26", "resnet18", "resnet50", "vit", "mlp2", "lenet", "", "resnet8 "]
    static let numbers = ["0", "-1", "1", "2", "3", "10", "28", "64", "65", "1000", "100000", "9223372036854775807",
                          "9223372036854775808", "1e3", "2.5", " 1", "0x10", "abc", ""]

    /// A ResNet-8 state dict (1 channel, 10 classes) as stored values.
    static func baseValues() -> [String: TensorValue] {
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 5)
        var values: [String: TensorValue] = [:]
        for e in model.stateDict() { values[e.name] = Checkpoint.value(e) }
        return values
    }

    @Test(arguments: 0..<160)
    func hostileCheckpointLoadsOrIsRefusedByName(_ seed: Int) throws {
        var rng = FuzzRandom(seed: UInt64(seed) &+ 1000)
        var values = Self.baseValues()
        var metadata = ["scalpel.architecture": "resnet8", "scalpel.width": "1", "scalpel.in_channels": "1",
                        "scalpel.classes": "10", "scalpel.image_size": "28"]
        let keys = metadata.keys.sorted()
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let key = keys.randomElement(using: &rng)!
            metadata[key] = key == "scalpel.architecture" ? Self.architectures.randomElement(using: &rng)!
                : Self.numbers.randomElement(using: &rng)!
        }
        if seed % 4 == 0 { metadata.removeValue(forKey: keys.randomElement(using: &rng)!) }
        if seed % 3 == 0 {  // a tensor's values or shape changed
            let name = values.keys.sorted().randomElement(using: &rng)!
            if case .float32(let t) = values[name]! {
                var v = t.toArray()
                let bad: [Float] = [.nan, .infinity, -.infinity, -1, 1e30]
                v[Int.random(in: 0..<v.count, using: &rng)] = bad.randomElement(using: &rng)!
                let shape = seed % 2 == 0 ? t.shape : [v.count]
                values[name] = .floats(v, shape: shape)
            } else {
                values.removeValue(forKey: name)
            }
        }
        let path = Self.directory + "/ckpt-\(seed).safetensors"
        try SafeTensors.write(values, metadata: metadata, to: path)
        do {
            let loaded = try PretrainedModel(path: path)
            #expect(loaded.configuration.validateSucceeds)
        } catch {
            let text = String(describing: error)
            #expect(text.contains(path), "\(type(of: error)): \(text)")
            #expect(error is PretrainedModelError || error is ModelConfigurationError || error is CheckpointError
                    || error is CheckpointValueError || error is ModelError, "\(type(of: error)): \(text)")
        }
    }

    /// A patch of the ResNet-8 against `base`, with its manifest or tensors edited by `seed`.
    @Test(arguments: 0..<80)
    func hostilePatchAppliesOrIsRefusedByName(_ seed: Int) throws {
        var rng = FuzzRandom(seed: UInt64(seed) &+ 5000)
        let base = Self.directory + "/base-\(seed).safetensors"
        try SafeTensors.write(Self.baseValues(), to: base)
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 5)
        model.fc.bias!.withUnsafeMutableBufferPointer { $0[0] += 1 }
        let patch = Self.directory + "/patch-\(seed).safetensors"
        let manifest = try Patch.create(model: model, baseCheckpointPath: base, selection: .block("last"), method: "surgical", to: patch)
        let file = try SafeTensorsFile(contentsOf: patch)
        var values: [String: TensorValue] = [:]
        for name in file.names { values[name] = .floats(try file.floats(name), shape: file.entries[name]!.shape) }
        var json = String(decoding: try manifest.json(pretty: false), as: UTF8.self)
        switch seed % 5 {
        case 0:
            let version = [-1, 0, 2, Int.max, Int.min, 1].randomElement(using: &rng)!
            json = json.replacingOccurrences(of: "\"formatVersion\":1", with: "\"formatVersion\":\(version)")
        case 1:
            json = String(json.prefix(Int.random(in: 0..<json.count, using: &rng)))
        case 2:
            json = json.replacingOccurrences(of: "fc.bias", with: ["fc.weight", "nope", "", "fc.bias\",\"fc.bias"].randomElement(using: &rng)!)
        case 3:
            values["fc.bias"] = .floats([.nan] + [Float](repeating: 0, count: 9), shape: [10])
        default:
            values["fc.bias"] = .floats([Float](repeating: 0, count: 11), shape: [11])
        }
        try SafeTensors.write(values, metadata: [Patch.metadataKey: json], to: patch)
        let target = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 6)
        do {
            try Patch.apply(patch, to: target, baseCheckpointPath: base)
        } catch {
            let text = String(describing: error)
            #expect(text.contains(patch), "\(type(of: error)): \(text)")
            #expect(error is PatchError || error is CheckpointValueError || error is SafeTensorsError, "\(type(of: error)): \(text)")
        }
    }
}

extension ModelConfiguration {
    /// Whether `validate()` accepts the configuration (a loaded model's must be accepted).
    var validateSucceeds: Bool { (try? validate()) != nil }
}
