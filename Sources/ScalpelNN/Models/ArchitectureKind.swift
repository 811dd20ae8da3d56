/// The architectures Scalpel builds: a closed set, spelled at the edges (flags, specifications,
/// checkpoint metadata, databases) by its raw value and parsed with `init(parsing:)`.
public enum Architecture: String, CaseIterable, Codable, Sendable {
    /// The paper's CIFAR ResNets (``CIFARResNet``), 8 to 32 layers; `resnet26` is the paper's.
    case resnet8, resnet14, resnet20, resnet26, resnet32
    /// torchvision's ImageNet ResNets (``TorchvisionResNet``).
    case resnet18, resnet34, resnet50, resnet101
    /// EfficientNet-Lite0 and -Lite1 (``EfficientNetLite``).
    case efficientNetLite0 = "efficientnet-lite0", efficientNetLite1 = "efficientnet-lite1"
    /// EfficientNet-Lite2 and -Lite3.
    case efficientNetLite2 = "efficientnet-lite2", efficientNetLite3 = "efficientnet-lite3"
    /// EfficientNet-Lite4.
    case efficientNetLite4 = "efficientnet-lite4"
    /// torchvision's MobileNetV2 (``MobileNetV2``).
    case mobileNetV2 = "mobilenet_v2"
    /// The timm-named ViT (``VisionTransformer``) with its default width, depth and heads (192, 12, 3).
    case vit
    /// The same model as `vit`, under another name.
    case vitTiny = "vit-tiny"
    /// torchvision's `vit_b_16` and its tiny twin for tests (``TorchvisionViT``).
    case vitB16 = "vit_b_16", vitTorchvisionTiny = "vit_tv_tiny"
    /// The paper's two-layer network (``TwoLayerNetwork``).
    case mlp2

    /// Parses a name as written in a flag, a specification or a checkpoint's metadata; throws
    /// `ModelError.unknownArchitecture` listing the names accepted.
    public init(parsing name: String) throws {
        guard let architecture = Architecture(rawValue: name) else { throw ModelError.unknownArchitecture(name) }
        self = architecture
    }

    /// The model family and its size: what `ModelConfiguration.build()` constructs.
    public enum Family: Sendable, Equatable {
        /// The paper's CIFAR ResNet of `depth` = 6n + 2 layers (n blocks per stage).
        case cifarResNet(depth: Int)
        /// A torchvision ResNet of this depth.
        case torchvisionResNet(TorchvisionResNet.Depth)
        /// An EfficientNet-Lite of this size.
        case efficientNetLite(EfficientNetLite.Size)
        /// torchvision's MobileNetV2.
        case mobileNetV2
        /// The timm-named ViT with its default width, depth and heads.
        case visionTransformer
        /// A ViT with torchvision's names, of these sizes (the image size set by the configuration).
        case torchvisionViT(TorchvisionViT.Configuration)
        /// The two-layer network of the paper's analysis.
        case twoLayerNetwork
    }

    /// This architecture's family and size.
    public var family: Family {
        switch self {
        case .resnet8: .cifarResNet(depth: 8)
        case .resnet14: .cifarResNet(depth: 14)
        case .resnet20: .cifarResNet(depth: 20)
        case .resnet26: .cifarResNet(depth: 26)
        case .resnet32: .cifarResNet(depth: 32)
        case .resnet18: .torchvisionResNet(.resnet18)
        case .resnet34: .torchvisionResNet(.resnet34)
        case .resnet50: .torchvisionResNet(.resnet50)
        case .resnet101: .torchvisionResNet(.resnet101)
        case .efficientNetLite0: .efficientNetLite(.lite0)
        case .efficientNetLite1: .efficientNetLite(.lite1)
        case .efficientNetLite2: .efficientNetLite(.lite2)
        case .efficientNetLite3: .efficientNetLite(.lite3)
        case .efficientNetLite4: .efficientNetLite(.lite4)
        case .mobileNetV2: .mobileNetV2
        case .vit, .vitTiny: .visionTransformer
        case .vitB16: .torchvisionViT(.vitB16)
        case .vitTorchvisionTiny: .torchvisionViT(.tiny)
        case .mlp2: .twoLayerNetwork
        }
    }

    /// Whether this is a Vision Transformer (`vit`, `vit-tiny`, `vit_b_16`, `vit_tv_tiny`).
    public var isVisionTransformer: Bool { [.vit, .vitTiny, .vitB16, .vitTorchvisionTiny].contains(self) }
}

extension ModelConfiguration {
    /// A configuration of a typed architecture (the stored `architecture` is its raw value).
    public init(_ architecture: Architecture, inChannels: Int = 3, classes: Int = 10, width: Int = 1,
                imageSize: Int = 32, seed: UInt64 = 0) {
        self.init(architecture: architecture.rawValue, inChannels: inChannels, classes: classes, width: width,
                  imageSize: imageSize, seed: seed)
    }

    /// The architecture parsed from its name; throws `ModelError.unknownArchitecture` for a name
    /// outside the set.
    public func parsedArchitecture() throws -> Architecture { try Architecture(parsing: architecture) }
}
