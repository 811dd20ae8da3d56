/// The architectures Scalpel builds: a closed set, spelled at the edges (flags, specifications,
/// checkpoint metadata, databases) by its raw value and parsed with `init(parsing:)`.
public enum Architecture: String, CaseIterable, Codable, Sendable {
    case resnet8, resnet14, resnet20, resnet26, resnet32
    case resnet18, resnet34, resnet50, resnet101
    case efficientNetLite0 = "efficientnet-lite0", efficientNetLite1 = "efficientnet-lite1"
    case efficientNetLite2 = "efficientnet-lite2", efficientNetLite3 = "efficientnet-lite3"
    case efficientNetLite4 = "efficientnet-lite4"
    case mobileNetV2 = "mobilenet_v2"
    case vit
    case vitTiny = "vit-tiny"
    /// torchvision's `vit_b_16` and its tiny twin for tests (``TorchvisionViT``).
    case vitB16 = "vit_b_16", vitTorchvisionTiny = "vit_tv_tiny"
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
        case torchvisionResNet(TorchvisionResNet.Depth)
        case efficientNetLite(EfficientNetLite.Size)
        case mobileNetV2
        case visionTransformer
        /// A ViT with torchvision's names, of these sizes (the image size set by the configuration).
        case torchvisionViT(TorchvisionViT.Configuration)
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
