import ArgumentParser
import PyTorchCheckpoint
import ScalpelNN

/// `scalpel convert`: the safetensors twin of a PyTorch `.pth` checkpoint.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a PyTorch .pth checkpoint to safetensors.",
        discussion: """
        INPUT is a file written by torch.save (zip or legacy format). Its pickle is read without \
        executing anything: only tensors, storages, dicts, lists and plain values are accepted. \
        The state dict is found by itself (the saved dict, or its 'state_dict', 'model', … entry) \
        and the 'module.' / 'model.' prefixes shared by every name are removed; --key and \
        --prefix choose otherwise. Tensors keep their dtypes. Model flags given here are \
        recorded as Scalpel metadata, so later commands need not repeat them.
        """)

    @Argument(help: "The .pth file.")
    var input: String

    @Argument(help: "The safetensors file to write (not replaced unless --force).")
    var output: String

    @Option(name: .long, help: "Key of the saved dict that holds the state dict (default: found automatically).")
    var key: String?

    @Option(name: .long, help: "Name prefix to remove from every tensor: a prefix, 'auto' or 'none'.")
    var prefix: String = "auto"

    @Option(name: .long, help: "Architecture to record (\(ModelConfiguration.architectures.joined(separator: ", "))).")
    var arch: String?

    @Option(name: .customLong("in-channels"), help: "Input channels to record.")
    var inChannels: Int?

    @Option(name: .long, help: "Number of classes to record.")
    var classes: Int?

    @Option(name: .long, help: "Width multiplier to record.")
    var width: Int?

    @Option(name: .customLong("image-size"), help: "Input height and width to record.")
    var imageSize: Int?

    @Flag(name: .long, help: "Replace OUTPUT if it exists.")
    var force = false

    func validate() throws {
        if let arch, !ModelConfiguration.architectures.contains(arch) {
            throw ValidationError("--arch '\(arch)' is not one of \(ModelConfiguration.architectures.joined(separator: ", "))")
        }
        for (flag, value) in [("--in-channels", inChannels), ("--classes", classes), ("--width", width), ("--image-size", imageSize)] {
            if let value, value <= 0 { throw ValidationError("\(flag) must be positive, got \(value)") }
        }
        if prefix.isEmpty { throw ValidationError("--prefix is empty; use 'none' to keep names as stored") }
    }

    func run() throws {
        var metadata: [String: String] = ["format": "pt"]
        metadata["scalpel.architecture"] = arch
        metadata["scalpel.in_channels"] = inChannels.map(String.init)
        metadata["scalpel.classes"] = classes.map(String.init)
        metadata["scalpel.width"] = width.map(String.init)
        metadata["scalpel.image_size"] = imageSize.map(String.init)
        let options = StateDictOptions(
            location: key.map { .key($0) } ?? .automatic,
            prefix: prefix == "auto" ? .automatic : prefix == "none" ? .keep : .strip(prefix))
        let state = try PyTorchCheckpoint.convert(input, to: output, options: options, metadata: metadata, replace: force)
        let notes = [state.key.map { "from '\($0)'" }, state.strippedPrefix.map { "prefix '\($0)' removed" }].compactMap { $0 }
        print("wrote \(state.names.count) tensors to \(output)" + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))"))
        if !state.skipped.isEmpty { print("left out \(state.skipped.count) entries that are not tensors: \(state.skipped.prefix(5).joined(separator: ", "))") }
    }
}
