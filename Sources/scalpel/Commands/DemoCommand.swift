import ArgumentParser
import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// `scalpel demo`: the engine at work on real data, in a couple of minutes.
///
/// Pre-trains a small CIFAR-style ResNet on part of Fashion-MNIST, then adapts it to the label
/// flip (an output-level shift) by fine-tuning only the last layer and by fine-tuning all
/// layers, and prints both accuracies: the paper's output-level finding in miniature.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Pre-train a small ResNet on Fashion-MNIST, then compare fine-tuning the last layer and all layers on the label-flip shift.")

    @Option(name: .customLong("source-size"), help: "Source images to pre-train on.")
    var sourceSize = 12_000

    @Option(name: .long, help: "Pre-training epochs.")
    var epochs = 2

    @Option(name: .customLong("data-dir"), help: "Data directory (default: $SCALPEL_DATA, else ~/.cache/scalpel).")
    var dataDirectory: String?

    func validate() throws {
        guard sourceSize > 0 else { throw ValidationError("--source-size must be positive, got \(sourceSize)") }
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
    }

    func run() throws {
        let started = Date()
        let shift = try ShiftSpec(parsing: "fmnist-flip").materialize(ShiftOptions(store: DataStore(directory: dataDirectory)))
        let source = shift.source.train.subset(Array(0..<min(sourceSize, shift.source.train.count)))
        let model = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: 0)
        print("Pre-training \(model.architecture) (\(model.parameterCount) parameters) on \(source.count) Fashion-MNIST images, \(epochs) epochs, \(Engine.threads) threads")
        Pretrainer(epochs: epochs).train(model, on: source) { epoch, batch, batches, loss in
            if batch == batches || batch % 20 == 0 {
                print("  epoch \(epoch) batch \(batch)/\(batches) loss \(String(format: "%.3f", loss))")
            }
        }
        let sourceAccuracy = evaluate(model, on: ExampleSet(shift.source.test)).accuracy
        print(String(format: "Source test accuracy: %.1f%%", 100 * sourceAccuracy))

        let data = RunData(tune: ExampleSet(shift.target.tune), validation: ExampleSet(shift.target.validation),
                           test: ExampleSet(shift.target.test))
        let noAdaptation = evaluate(model, on: data.test).accuracy
        let tuner = FineTuner(model: model, options: TrainingOptions(epochs: 5))
        print("\nTarget: labels flipped (y → 9 − y); \(data.tune.count) tuning images, test \(data.test.count)")
        print("method   trainable   test accuracy")
        print(String(format: "none     %9d   %5.1f%%", 0, 100 * noAdaptation))
        for (name, selection) in [("last", "last"), ("all", "all")] {
            let names = try Selection(parsing: selection).parameterNames(in: model)
            let lr: Float = name == "last" ? 1e-2 : 1e-3
            let result = tuner.run(selection: names, learningRate: lr, seed: 0, data: data)
            let trainable = model.namedParameters().filter { names.contains($0.0) }.reduce(0) { $0 + $1.1.count }
            print(String(format: "%-8@ %9d   %5.1f%%", name, trainable, 100 * (result.test?.accuracy ?? 0)))
        }
        print(String(format: "\nDone in %.0f s.", Date().timeIntervalSince(started)))
    }
}
