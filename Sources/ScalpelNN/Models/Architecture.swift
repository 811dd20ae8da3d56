import ScalpelEngine

/// The architectures Scalpel builds by name, with the options every command shares.
public struct ModelConfiguration: Sendable, Equatable, Codable {
    /// `resnet26` (also `resnet8/14/20/32`), `resnet18/34/50/101`, `efficientnet-lite0`…`4`,
    /// `mobilenet_v2`, `vit`, `vit_b_16` (torchvision's names; `vit_tv_tiny` its tiny twin), `mlp2`.
    public var architecture: String
    /// Channels of the input images (3 for RGB, 1 for grayscale; default 3).
    public var inChannels: Int
    /// The number of classes, i.e. of output logits (default 10).
    public var classes: Int
    /// Width multiplier k of the CIFAR ResNets (16k, 32k, 64k channels).
    public var width: Int
    /// Input height = width, for ViT's position embeddings and the MLP's input size.
    public var imageSize: Int
    /// Seed of the random initialization.
    public var seed: UInt64

    /// A configuration with these values (defaults: 3 channels, 10 classes, width 1, 32×32 images, seed 0);
    /// nothing is checked here: `validate(path:)` checks the sizes and `build()` the architecture name.
    public init(architecture: String, inChannels: Int = 3, classes: Int = 10, width: Int = 1, imageSize: Int = 32,
                seed: UInt64 = 0) {
        self.architecture = architecture
        self.inChannels = inChannels
        self.classes = classes
        self.width = width
        self.imageSize = imageSize
        self.seed = seed
    }

    /// The names `build()` accepts (the raw values of `Architecture`).
    public static let architectures = Architecture.allCases.map(\.rawValue)

    /// A freshly initialized model; throws `ModelError.unknownArchitecture` for a name outside
    /// `Architecture`.
    public func build() throws -> BlockModel {
        switch try parsedArchitecture().family {
        case .cifarResNet(let depth):
            return CIFARResNet(inChannels: inChannels, classes: classes, width: width, blocksPerStage: (depth - 2) / 6,
                               seed: seed)
        case .torchvisionResNet(let depth):
            return TorchvisionResNet(depth, inChannels: inChannels, classes: classes, seed: seed)
        case .efficientNetLite(let size):
            return EfficientNetLite(size, inChannels: inChannels, classes: classes, seed: seed)
        case .mobileNetV2:
            return MobileNetV2(inChannels: inChannels, classes: classes, seed: seed)
        case .visionTransformer:
            return VisionTransformer(imageSize: imageSize, patchSize: vitPatchSize, inChannels: inChannels,
                                     classes: classes, seed: seed)
        case .torchvisionViT(var sizes):
            guard imageSize % sizes.patchSize == 0 else {
                throw ModelConfigurationError(path: nil, field: "image_size", problem:
                    "\(imageSize) is not a multiple of \(architecture)'s patch size \(sizes.patchSize)")
            }
            sizes.imageSize = imageSize
            return TorchvisionViT(sizes, inChannels: inChannels, classes: classes, seed: seed)
        case .twoLayerNetwork:
            return TwoLayerNetwork(inputs: inChannels * imageSize * imageSize, hidden: 64 * width, outputs: classes,
                                   seed: seed)
        }
    }
}

/// Errors of model construction and checkpoint loading.
public enum ModelError: Error, CustomStringConvertible {
    /// The name is not the raw value of any `Architecture`.
    case unknownArchitecture(String)

    /// `unknown architecture '<name>'; expected one of …`, listing every name `build()` accepts.
    public var description: String {
        switch self {
        case .unknownArchitecture(let a):
            "unknown architecture '\(a)'; expected one of \(ModelConfiguration.architectures.joined(separator: ", "))"
        }
    }
}
