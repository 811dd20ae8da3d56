import SafeTensors

/// Recognises a model family and its sizes from a checkpoint's tensor names and shapes, for
/// files without Scalpel's metadata (a `state_dict` saved by PyTorch).
///
/// Each family has names no other one uses: EfficientNet-Lite `_conv_stem.weight` (size from
/// the number of `_blocks` and the last block's output channels), MobileNetV2
/// `features.0.0.weight` with `classifier.1.weight`, the ResNets `conv1.weight` with `layerK.N`
/// (torchvision: a 7×7 stem and four stages, depth from the blocks per stage and whether they
/// are bottlenecks; CIFAR: a 3×3 stem, three stages of n blocks, depth 6n + 2, width from the
/// stem's channels / 16), ViT `patch_embed.proj.weight` with `pos_embed` (image size from the
/// patch and the number of position embeddings). Classes and input channels come from the head
/// and the stem. torchvision's ViT has `conv_proj.weight`, `class_token`,
/// `encoder.pos_embedding` and `heads.head.weight`; its patch, width, MLP width and number of
/// `encoder.layers.encoder_layer_N` must be those of `vit_b_16` or `vit_tv_tiny`.
public enum ArchitectureDetection {
    /// The configuration whose model has these tensors. Throws when no family matches, when
    /// more than one does (listing the candidates), or when the family matches but its size is
    /// not one Scalpel builds.
    public static func detect(names: [String], shapes: [[Int]]) throws -> ModelConfiguration {
        guard names.count == shapes.count else {
            throw ArchitectureDetectionError.malformed("\(names.count) names for \(shapes.count) shapes")
        }
        let tensors = Dictionary(zip(names, shapes), uniquingKeysWith: { a, _ in a })
        let candidates = families.filter { $0.matches(tensors) }
        guard let family = candidates.first else {
            throw ArchitectureDetectionError.unrecognized(sample: Array(names.sorted().prefix(6)))
        }
        guard candidates.count == 1 else {
            throw ArchitectureDetectionError.ambiguous(candidates.map(\.name))
        }
        return try family.configuration(tensors)
    }

    /// The configuration of the model whose state a safetensors file holds (its tensors' names
    /// and shapes; the metadata is not read).
    public static func detect(_ file: SafeTensorsFile) throws -> ModelConfiguration {
        let names = file.names
        return try detect(names: names, shapes: names.map { file.entries[$0]!.shape })
    }

    /// A family: the names that identify it and how its sizes are read.
    struct Family: Sendable {
        let name: String
        let marker: [String]
        let configuration: @Sendable ([String: [Int]]) throws -> ModelConfiguration
        func matches(_ t: [String: [Int]]) -> Bool { marker.allSatisfy { t[$0] != nil } }
    }

    static let families = [
        Family(name: "efficientnet-lite", marker: ["_conv_stem.weight", "_fc.weight"], configuration: efficientNetLite),
        Family(name: "mobilenet_v2", marker: ["features.0.0.weight", "classifier.1.weight"], configuration: mobileNetV2),
        Family(name: "resnet", marker: ["conv1.weight", "layer1.0.conv1.weight", "fc.weight"], configuration: resNet),
        Family(name: "vit", marker: ["patch_embed.proj.weight", "pos_embed", "head.weight"], configuration: vit),
        Family(name: "vit_torchvision", marker: ["conv_proj.weight", "class_token", "encoder.pos_embedding", "heads.head.weight"],
               configuration: torchvisionViT),
    ]

    /// The shape of `name`, whose rank must be `rank`.
    static func shape(_ t: [String: [Int]], _ name: String, rank: Int) throws -> [Int] {
        guard let s = t[name], s.count == rank, s.allSatisfy({ $0 > 0 }) else {
            throw ArchitectureDetectionError.malformed("'\(name)' has shape \(t[name] ?? []), expected rank \(rank)")
        }
        return s
    }

    /// How many modules `prefix.N` there are (N = 0, 1, … consecutive).
    static func count(_ t: [String: [Int]], _ prefix: String) -> Int {
        let indices = Set(t.keys.compactMap { key -> Int? in
            guard key.hasPrefix(prefix + ".") else { return nil }
            return Int(key.dropFirst(prefix.count + 1).prefix { $0 != "." })
        })
        return (0...indices.count).first { !indices.contains($0) } ?? 0
    }

    static func efficientNetLite(_ t: [String: [Int]]) throws -> ModelConfiguration {
        let stem = try shape(t, "_conv_stem.weight", rank: 4), fc = try shape(t, "_fc.weight", rank: 2)
        let blocks = count(t, "_blocks")
        let last = try shape(t, "_blocks.\(blocks - 1)._project_conv.weight", rank: 4)[0]
        let sizes = EfficientNetLite.Size.allCases.filter {
            EfficientNetLite.blockCount($0) == blocks && EfficientNetLite.roundFilters(320, $0.width) == last
        }
        guard let size = sizes.first else {
            throw ArchitectureDetectionError.unsupported("efficientnet-lite", "\(blocks) blocks ending in \(last) channels")
        }
        return ModelConfiguration(architecture: "efficientnet-lite\(size.rawValue)", inChannels: stem[1], classes: fc[0],
                                  imageSize: size.resolution)
    }

    static func mobileNetV2(_ t: [String: [Int]]) throws -> ModelConfiguration {
        let stem = try shape(t, "features.0.0.weight", rank: 4), fc = try shape(t, "classifier.1.weight", rank: 2)
        guard stem[0] == 32, count(t, "features") == 19 else {
            throw ArchitectureDetectionError.unsupported("mobilenet_v2", "a stem of \(stem[0]) channels and "
                                                         + "\(count(t, "features")) features (width multiplier 1 has 32 and 19)")
        }
        return ModelConfiguration(architecture: "mobilenet_v2", inChannels: stem[1], classes: fc[0], imageSize: 224)
    }

    static func resNet(_ t: [String: [Int]]) throws -> ModelConfiguration {
        let stem = try shape(t, "conv1.weight", rank: 4), fc = try shape(t, "fc.weight", rank: 2)
        let stages = (1...4).map { count(t, "layer\($0)") }
        if stem[2] == 7 {
            let bottleneck = t["layer1.0.conv3.weight"] != nil
            let depth = TorchvisionResNet.Depth.allCases.first {
                $0.blocksPerStage == stages && $0.usesBottlenecks == bottleneck
            }
            guard let depth else {
                throw ArchitectureDetectionError.unsupported("torchvision resnet", "\(stages) \(bottleneck ? "bottleneck" : "basic") blocks per stage")
            }
            return ModelConfiguration(architecture: "resnet\(depth.rawValue)", inChannels: stem[1], classes: fc[0],
                                      imageSize: 224)
        }
        let n = stages[0]
        let name = "resnet\(6 * n + 2)"
        guard stem[2] == 3, stages[3] == 0, stages[1] == n, stages[2] == n, stem[0] % 16 == 0,
              ModelConfiguration.architectures.contains(name) else {
            throw ArchitectureDetectionError.unsupported("resnet", "a \(stem[2])×\(stem[3]) stem of \(stem[0]) channels, \(stages) blocks per stage")
        }
        return ModelConfiguration(architecture: name, inChannels: stem[1], classes: fc[0], width: stem[0] / 16)
    }

    static func vit(_ t: [String: [Int]]) throws -> ModelConfiguration {
        let proj = try shape(t, "patch_embed.proj.weight", rank: 4), pos = try shape(t, "pos_embed", rank: 3)
        let head = try shape(t, "head.weight", rank: 2)
        let grid = Int(Double(pos[1] - 1).squareRoot().rounded())
        let imageSize = grid * proj[2]
        let rulePatch = imageSize % 4 == 0 ? 4 : (imageSize % 7 == 0 ? 7 : 1)  // ModelConfiguration.build's choice
        guard grid * grid == pos[1] - 1, proj[2] == proj[3], proj[2] == rulePatch else {
            throw ArchitectureDetectionError.unsupported("vit", "\(proj[2])×\(proj[3]) patches and \(pos[1]) position embeddings")
        }
        return ModelConfiguration(architecture: "vit", inChannels: proj[1], classes: head[0], imageSize: imageSize)
    }
}

/// Why a checkpoint's architecture could not be recognised.
public enum ArchitectureDetectionError: Error, CustomStringConvertible, Equatable {
    /// No family's names are there; `sample` are some of the file's names.
    case unrecognized(sample: [String])
    /// The names of several families are there.
    case ambiguous([String])
    /// The family is recognised but not this size of it.
    case unsupported(String, String)
    /// Names and shapes that cannot be read.
    case malformed(String)

    /// One line saying what was found (some tensor names, the candidate families or the unsupported size)
    /// and that the architecture must be chosen explicitly.
    public var description: String {
        switch self {
        case .unrecognized(let sample):
            "no known architecture has these tensor names (\(sample.joined(separator: ", ")), …); known families: "
                + ArchitectureDetection.families.map(\.name).joined(separator: ", ") + "; choose the architecture explicitly"
        case .ambiguous(let names):
            "the tensor names fit several architectures (\(names.joined(separator: ", "))); choose one explicitly"
        case .unsupported(let family, let what):
            "a \(family) checkpoint, but with \(what), which is not a size Scalpel builds"
        case .malformed(let what): "cannot read the architecture: \(what)"
        }
    }
}
