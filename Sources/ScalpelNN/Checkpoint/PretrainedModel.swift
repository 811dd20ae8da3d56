import PyTorchCheckpoint
import SafeTensors

/// A model rebuilt from a checkpoint that Scalpel wrote: the architecture comes from the
/// file's metadata (`scalpel.architecture`, `scalpel.width`, `scalpel.in_channels`,
/// `scalpel.classes`, `scalpel.image_size`), then the weights are loaded.
public struct PretrainedModel {
    /// The rebuilt model with the checkpoint's weights loaded.
    public let model: BlockModel
    /// The architecture, input channels, classes, width and image size the model was built with.
    public let configuration: ModelConfiguration
    /// The checkpoint's `__metadata__`.
    public let metadata: [String: String]
    /// The checkpoint file the model was loaded from, as given.
    public let path: String

    /// Opens `path` and builds its model. Entries missing from the metadata come, in this order,
    /// from the tensors' names and shapes (``ArchitectureDetection``, for a file without Scalpel
    /// metadata such as a PyTorch `.pth`) and from `fallback` (e.g. command-line flags); without
    /// any, the error names the missing key.
    public init(path: String, fallback: ModelConfiguration? = nil) throws {
        let file = try CheckpointFile.open(path)
        var meta = file.metadata
        if meta["scalpel.architecture"] == nil, let detected = try? ArchitectureDetection.detect(file) {
            meta["scalpel.architecture"] = detected.architecture
            meta["scalpel.in_channels"] = meta["scalpel.in_channels"] ?? String(detected.inChannels)
            meta["scalpel.classes"] = meta["scalpel.classes"] ?? String(detected.classes)
            meta["scalpel.width"] = meta["scalpel.width"] ?? String(detected.width)
            // The tensors tell the ViT's size (its position embeddings) and an ImageNet family's
            // native resolution (224 for ResNet-18…101, MobileNetV2 and EfficientNet-Lite0), not a
            // CIFAR ResNet's: that one comes from `fallback`.
            if !Self.cifarResNets.contains(detected.architecture) {
                meta["scalpel.image_size"] = meta["scalpel.image_size"] ?? String(detected.imageSize)
            }
        }
        func value(_ key: String, _ fromFallback: Int?) throws -> Int {
            if let text = meta[key] {
                guard let v = Int(text), v > 0 else {
                    throw PretrainedModelError(path: path, "metadata '\(key)' is '\(text)', expected a positive integer")
                }
                return v
            }
            guard let v = fromFallback else {
                throw PretrainedModelError(path: path, "metadata has no '\(key)' and no fallback configuration gives it "
                                           + "(the model's architecture, input channels and classes)")
            }
            return v
        }
        guard let architecture = meta["scalpel.architecture"] ?? fallback?.architecture else {
            throw PretrainedModelError(path: path, "metadata has no 'scalpel.architecture', the tensor names match no known "
                                       + "architecture, and no fallback configuration names one")
        }
        let configuration = ModelConfiguration(
            architecture: architecture,
            inChannels: try value("scalpel.in_channels", fallback?.inChannels),
            classes: try value("scalpel.classes", fallback?.classes),
            width: try value("scalpel.width", fallback?.width ?? 1),
            imageSize: try value("scalpel.image_size", fallback?.imageSize ?? 28))
        guard ModelConfiguration.architectures.contains(architecture) else {
            throw PretrainedModelError(path: path, "metadata 'scalpel.architecture' is '\(architecture)'; expected one of "
                                       + ModelConfiguration.architectures.joined(separator: ", "))
        }
        try configuration.validate(path: path)
        try configuration.checkMatches(file)
        let model = try configuration.build()
        try Checkpoint.load(model, from: file)
        self.model = model
        self.configuration = configuration
        self.metadata = file.metadata
        self.path = path
    }

    /// The CIFAR ResNets, whose tensors do not tell the image size they were trained at.
    static let cifarResNets: Set<String> = ["resnet8", "resnet14", "resnet20", "resnet26", "resnet32"]
}

/// A checkpoint whose model cannot be rebuilt.
public struct PretrainedModelError: Error, CustomStringConvertible {
    /// `<path>: <what is missing or invalid>`, naming the metadata key or what was expected.
    public let description: String
    init(path: String, _ message: String) { description = "\(path): \(message)" }
}
