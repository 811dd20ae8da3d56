import ArgumentParser
import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// `scalpel corruption-table`: a pre-trained model's accuracy under every corruption and severity.
struct CorruptionTableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corruption-table",
        abstract: "Accuracy of a checkpoint on the clean and corrupted test set, per corruption and severity (Markdown).")

    @OptionGroup var model: ModelOptions

    @Option(name: .long, help: "Checkpoint (safetensors or PyTorch .pth).")
    var checkpoint: String

    @Option(name: .long, help: "Data set: fmnist or mnist (MNIST-5k test split).")
    var base = "fmnist"

    @Option(name: .customLong("test-size"), help: "Test images to use (the first N).")
    var testSize = 1000

    @Option(name: .customLong("data-dir"), help: "Data directory (default: $SCALPEL_DATA, else ~/.cache/scalpel).")
    var dataDirectory: String?

    func validate() throws {
        guard ["fmnist", "mnist"].contains(base) else { throw ValidationError("--base must be fmnist or mnist, got '\(base)'") }
        guard testSize > 0 else { throw ValidationError("--test-size must be positive, got \(testSize)") }
    }

    func run() throws {
        // The architecture the checkpoint records wins over the flags (which fill in what it lacks).
        let pretrained = try PretrainedModel(path: checkpoint, fallback: model.configuration)
        let net = pretrained.model
        guard pretrained.configuration.inChannels == 1, pretrained.configuration.classes == 10 else {
            throw ValidationError("--checkpoint \(checkpoint) takes \(pretrained.configuration.inChannels)-channel images "
                                  + "and has \(pretrained.configuration.classes) classes; \(base) has 1 channel and 10 classes")
        }
        let store = DataStore(directory: dataDirectory)
        let all = base == "fmnist" ? try store.loadFashionMNIST(train: false) : SourceSplits.mnist5k(try store.loadMNIST5k()).test
        let test = all.subset(Array(0..<min(testSize, all.count)))
        let clean = evaluate(net, on: ExampleSet(test)).accuracy
        print("Accuracy (%) of \(checkpoint) on the first \(test.count) \(base) test images; clean: " +
              String(format: "%.1f", 100 * clean))
        print("")
        print("| corruption | 1 | 2 | 3 | 4 | 5 |")
        print("|---|---|---|---|---|---|")
        let progress = ProgressLine(unit: "cell", total: Corruptions.names.count * 5, every: 5)
        for (row, name) in Corruptions.names.enumerated() {
            var cells: [String] = []
            for severity in 1...5 {
                let corrupted = try CorruptionShift.corrupt(test, name: name, severity: severity)
                cells.append(String(format: "%.1f", 100 * evaluate(net, on: ExampleSet(corrupted)).accuracy))
                progress.update(done: 5 * row + cells.count, item: "\(name) \(severity)")
            }
            print("| \(name) | \(cells.joined(separator: " | ")) |")
        }
    }
}
