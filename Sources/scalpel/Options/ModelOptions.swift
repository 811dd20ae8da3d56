import ArgumentParser
import ScalpelNN

/// The options that say which architecture to build, shared by every command that builds a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Architecture: \(ModelConfiguration.architectures.joined(separator: ", ")).")
    var arch: String = "resnet26"

    @Option(name: .customLong("in-channels"), help: "Input channels (1 for Fashion-MNIST/MNIST, 3 for CIFAR).")
    var inChannels: Int = 1

    @Option(name: .long, help: "Number of classes.")
    var classes: Int = 10

    @Option(name: .long, help: "Width multiplier k of the CIFAR ResNets (16k, 32k, 64k channels).")
    var width: Int = 1

    @Option(name: .customLong("image-size"), help: "Input height and width (ViT position embeddings, MLP input size).")
    var imageSize: Int = 28

    func validate() throws {
        guard ModelConfiguration.architectures.contains(arch) else {
            throw ValidationError("--arch '\(arch)' is not one of \(ModelConfiguration.architectures.joined(separator: ", "))")
        }
        guard inChannels > 0 else { throw ValidationError("--in-channels must be positive, got \(inChannels)") }
        guard classes > 1 else { throw ValidationError("--classes must be at least 2, got \(classes)") }
        guard width > 0 else { throw ValidationError("--width must be positive, got \(width)") }
        guard imageSize > 0 else { throw ValidationError("--image-size must be positive, got \(imageSize)") }
        do { try configuration.validate() } catch let error as ModelConfigurationError {
            let flag = ["in_channels": "--in-channels", "image_size": "--image-size"][error.field] ?? "--\(error.field)"
            throw ValidationError("\(flag): \(error.problem)")
        }
    }

    var configuration: ModelConfiguration {
        ModelConfiguration(architecture: arch, inChannels: inChannels, classes: classes, width: width, imageSize: imageSize)
    }
}
