import SafeTensors

/// Upper bounds on a model's configuration, checked before anything is allocated, so that a flag
/// or a checkpoint's metadata cannot ask for gigabytes (docs/limits.md lists them).
public enum ModelLimits {
    /// Input channels: 1...64.
    public static let inChannels = 1...64
    /// Classes: 2...100,000.
    public static let classes = 2...100_000
    /// Width multiplier of the CIFAR ResNets and of the two-layer network's hidden layer (64k units): 1...64.
    public static let width = 1...64
    /// Input height = width: 1...1,024.
    public static let imageSize = 1...1024
    /// Parameters of the model built (about 400 MB of float32 values): at most 100 million.
    public static let parameters = 100_000_000
    /// Tokens of a ViT (patches + 1): at most 1,025 (attention is quadratic in them).
    public static let vitTokens = 1025
}

/// A configuration that breaks a limit or does not match a checkpoint's tensors.
public struct ModelConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The file whose metadata or tensors are concerned, if any.
    public let path: String?
    /// The field (`width`, `classes`, …) or tensor name concerned.
    public let field: String
    /// What is wrong, with the value found and what was expected.
    public let problem: String

    /// `[<path>: ]<field>: <problem>`.
    public var description: String { (path.map { "\($0): " } ?? "") + "\(field): \(problem)" }
}

extension ModelConfiguration {
    /// Throws unless every size lies within `ModelLimits` and the model's parameter count is at
    /// most `ModelLimits.parameters`; `path` names the checkpoint whose metadata the sizes came from.
    public func validate(path: String? = nil) throws {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws {
            guard range.contains(value) else {
                throw ModelConfigurationError(path: path, field: field,
                                              problem: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
            }
        }
        try check(inChannels, ModelLimits.inChannels, "in_channels")
        try check(classes, ModelLimits.classes, "classes")
        try check(width, ModelLimits.width, "width")
        try check(imageSize, ModelLimits.imageSize, "image_size")
        if (try? parsedArchitecture())?.isVisionTransformer == true {
            guard imageSize % vitPatchSize == 0 else {
                throw ModelConfigurationError(path: path, field: "image_size", problem:
                    "\(imageSize) is not a multiple of \(architecture)'s patch size \(vitPatchSize)")
            }
            let side = imageSize / vitPatchSize
            guard side * side + 1 <= ModelLimits.vitTokens else {
                throw ModelConfigurationError(path: path, field: "image_size", problem:
                    "\(imageSize) gives a ViT \(side * side + 1) tokens; at most \(ModelLimits.vitTokens) are allowed")
            }
        }
        if let count = estimatedParameterCount, count > ModelLimits.parameters {
            throw ModelConfigurationError(path: path, field: "width", problem:
                "\(architecture) with width \(width), \(inChannels) input channels, \(classes) classes and image size "
                + "\(imageSize) has about \(count) parameters; at most \(ModelLimits.parameters) are allowed")
        }
    }

    /// The patch size `build()` gives a ViT of this image size.
    var vitPatchSize: Int {
        switch architecture {
        case "vit_b_16": 16
        case "vit_tv_tiny": 8
        default: imageSize % 4 == 0 ? 4 : (imageSize % 7 == 0 ? 7 : 1)
        }
    }

    /// The shapes of a few tensors that every size of the configuration shows in (the first and
    /// last layers), by `state_dict` name; empty for an architecture without such a table.
    public var anchorShapes: [String: [Int]] {
        let (c, k, w) = (inChannels, classes, width)
        switch architecture {
        case "resnet8", "resnet14", "resnet20", "resnet26", "resnet32":
            return ["conv1.weight": [16 * w, c, 3, 3], "fc.weight": [k, 64 * w]]
        case "resnet18": return ["conv1.weight": [64, c, 7, 7], "fc.weight": [k, 512]]
        case "resnet50": return ["conv1.weight": [64, c, 7, 7], "fc.weight": [k, 2048]]
        case "vit", "vit-tiny":
            let p = vitPatchSize, side = imageSize / p
            return ["patch_embed.proj.weight": [192, c, p, p], "pos_embed": [1, side * side + 1, 192],
                    "head.weight": [k, 192]]
        case "mlp2": return ["fc1.weight": [64 * w, c * imageSize * imageSize], "fc2.weight": [k, 64 * w]]
        default: return [:]
        }
    }

    /// Throws unless the checkpoint's tensors have the shapes this configuration gives its first and
    /// last layers (`anchorShapes`): a width, class count or image size in the metadata that the
    /// tensors contradict is refused before the model is built. Names the file and the tensor.
    public func checkMatches(_ file: SafeTensorsFile) throws {
        for (name, expected) in anchorShapes.sorted(by: { $0.key < $1.key }) {
            guard let entry = file.entries[name] else { continue }  // reported with every other missing key
            guard entry.shape == expected else {
                throw ModelConfigurationError(path: file.path, field: name, problem:
                    "the tensor has shape \(entry.shape) but \(architecture) with width \(width), \(inChannels) input "
                    + "channels, \(classes) classes and image size \(imageSize) needs \(expected)")
            }
        }
    }

    /// About how many parameters `build()` allocates (within a few percent), nil for an
    /// architecture without a formula. Computed in floating point, so no size overflows.
    public var estimatedParameterCount: Int? {
        let c = Double(inChannels), k = Double(classes), w = Double(width), s = Double(imageSize)
        let estimate: Double
        switch architecture {
        case "resnet8", "resnet14", "resnet20", "resnet26", "resnet32":
            let n = Double((Int(architecture.dropFirst("resnet".count)) ?? 26) - 2) / 6
            let widths = [16 * w, 32 * w, 64 * w]
            var total = 9 * c * widths[0] + 64 * w * (k + 1)
            var previous = widths[0]
            for stage in widths {
                total += 9 * previous * stage + previous * stage + (2 * n - 1) * 9 * stage * stage + 8 * n * stage
                previous = stage
            }
            estimate = total
        case "resnet18": estimate = 11_200_000 + 3136 * c + 513 * k
        case "resnet50": estimate = 23_600_000 + 3136 * c + 2049 * k
        case "vit", "vit-tiny":
            let p = Double(vitPatchSize), tokens = (s / p) * (s / p) + 1
            estimate = 5_340_000 + 192 * (c * p * p + tokens + k)
        case "vit_b_16", "vit_tv_tiny":
            var sizes = architecture == "vit_b_16" ? TorchvisionViT.Configuration.vitB16 : .tiny
            sizes.imageSize = imageSize
            estimate = sizes.parameterCount(inChannels: inChannels, classes: classes)
        case "mlp2": estimate = 64 * w * (c * s * s + k)
        default: return nil
        }
        return estimate > Double(Int.max / 2) ? Int.max / 2 : Int(estimate)
    }
}

extension ModelConfiguration {
    /// Whether the model takes only `imageSize` × `imageSize` inputs: the two-layer network's input
    /// layer and the ViT's position embeddings fix the size (the ResNets pool any size).
    public var needsExactImageSize: Bool {
        switch (try? parsedArchitecture())?.family {
        case .twoLayerNetwork, .visionTransformer, .torchvisionViT: true
        default: false
        }
    }
}
