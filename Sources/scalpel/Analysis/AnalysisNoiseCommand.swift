import ArgumentParser
import Foundation
import ScalpelAnalysis
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// `scalpel analysis noise`: the grid "noised block × tuned block" of Section 3.3.
struct AnalysisNoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Add Gaussian noise to one block of a checkpoint, fine-tune each block on clean data; print the grid.",
        discussion: """
        Section 3.3 of the paper: for each block in --noise-blocks, the checkpoint with noise of scale --scale \
        (relative to each tensor's standard deviation) in that block's parameters is the model to fine-tune; \
        the data are clean: the held-out test images of the source side of --shift with their original labels \
        (fmnist-flip: clean Fashion-MNIST test images), split per class into --tune-per-class / \
        --validation-per-class / --test-per-class.

        Each selection of --tune-blocks is fine-tuned with Adam (BatchNorm in eval mode, early stopping on \
        validation) at each --lr; the cell reports test accuracy at the best validation accuracy.
        """)

    @OptionGroup var model: ModelOptions

    @Option(name: .long, help: "Checkpoint (safetensors or PyTorch .pth) of the clean source model.")
    var checkpoint: String

    @Option(name: .long, help: "Shift whose source test images are the clean target data (e.g. fmnist-flip).")
    var shift: String

    @Option(name: .long, help: "Noise scale relative to each tensor's standard deviation.")
    var scale: Float

    @Option(name: .customLong("noise-blocks"), help: "Comma-separated blocks to noise, one row each.")
    var noiseBlocks = "block1,block2,block3,last"

    @Option(name: .customLong("tune-blocks"), help: "Comma-separated selections to fine-tune, one column each.")
    var tuneBlocks = "stem,block1,block2,block3,last,all"

    @Option(name: .customLong("lr"), help: "Comma-separated learning rates (Adam); each cell keeps the best on validation.")
    var lrs = "1e-3"

    @Option(name: .customLong("lrs"), help: .hidden)
    var oldLearningRates: String?

    @Option(name: .long, help: "Fine-tuning epochs.")
    var epochs = 3

    @Option(name: .customLong("batch-size"), help: "Fine-tuning batch size.")
    var batchSize = 64

    @Option(name: .customLong("tune-per-class"), help: "Clean images per class to fine-tune on.")
    var tunePerClass = 50

    @Option(name: .customLong("validation-per-class"), help: "Clean images per class for early stopping.")
    var validationPerClass = 20

    @Option(name: .customLong("test-per-class"), help: "Clean images per class to report accuracy on.")
    var testPerClass = 200

    @Option(name: .long, help: "Seed of the noise, the split and the batch order.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Write the grid as JSON to this file (atomically).")
    var json: String?

    @Option(name: .customLong("data-dir"), help: "Data directory (default: $SCALPEL_DATA, else ~/.cache/scalpel).")
    var dataDirectory: String?

    var learningRates: [Float] { lrs.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) } }
    func list(_ text: String) -> [String] { text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    mutating func validate() throws {
        RenamedFlag("--lrs", to: "--lr").resolve(&lrs, old: oldLearningRates)
        if let json { try OutputPath.check(json, flag: "--json", inputs: [], allowsStandardOutput: true) }
        guard scale >= 0 && scale.isFinite else { throw ValidationError("--scale must be a number ≥ 0, got \(scale)") }
        let rates = lrs.split(separator: ",")
        guard !rates.isEmpty, learningRates.count == rates.count, learningRates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ValidationError("--lr must be comma-separated positive numbers, got '\(lrs)'")
        }
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard tunePerClass > 0, validationPerClass > 0, testPerClass > 0 else {
            throw ValidationError("--tune-per-class, --validation-per-class and --test-per-class must be positive")
        }
        guard !list(noiseBlocks).isEmpty else { throw ValidationError("--noise-blocks is empty") }
        guard !list(tuneBlocks).isEmpty else { throw ValidationError("--tune-blocks is empty") }
    }

    func run() throws {
        let started = Date()
        let net = try model.configuration.build()
        try Checkpoint.load(net, from: checkpoint)
        for block in list(noiseBlocks) where !net.blockNames.contains(block) {
            throw ValidationError("--noise-blocks: '\(block)' is not a block of \(net.architecture) " +
                                  "(\(net.blockNames.joined(separator: ", ")))")
        }
        for selection in list(tuneBlocks) {
            do { _ = try Selection(parsing: selection).parameterNames(in: net) } catch {
                throw ValidationError("--tune-blocks: '\(selection)': \(error)")
            }
        }
        let shiftData = try ShiftSpec(parsing: shift).materialize(ShiftOptions(store: DataStore(directory: dataDirectory)))
        let sizes = SplitSizes(tune: tunePerClass, validation: validationPerClass, test: testPerClass)
        let clean = try TargetSplits.make(pool: shiftData.source.test, sizes: sizes, seed: seed)
        let data = RunData(tune: ExampleSet(clean.tune), validation: ExampleSet(clean.validation), test: ExampleSet(clean.test))
        let settings = NoiseGridSettings(scale: scale, noisedBlocks: list(noiseBlocks), tunedSelections: list(tuneBlocks),
                                         learningRates: learningRates,
                                         options: TrainingOptions(epochs: epochs, batchSize: batchSize), seed: seed)
        print("noise grid on \(net.architecture) \(checkpoint): scale \(scale), clean data \(sizes) from the source test " +
              "images of \(shift), \(epochs) epochs, lr \(lrs), \(Engine.threads) threads")
        let grid = try NoiseGridExperiment(model: net, data: data, settings: settings).run { block, cell in
            print(String(format: "  noised %@, tuned %@: test %.2f%% (validation %.2f%%, lr %g, %.0f s)", block, cell.tuned,
                         100 * cell.testAccuracy, 100 * cell.validationAccuracy, cell.learningRate, cell.seconds))
        }
        print("")
        print(String(format: "Test accuracy (%%); clean model %.1f%%; noise scale %g", 100 * grid.cleanAccuracy, scale))
        print("")
        print(grid.markdown)
        print(String(format: "\n(%.0f s)", Date().timeIntervalSince(started)))
        if let json {
            try writeJSONAtomically(grid, to: json)
            if json != OutputPath.standardOutput { print("wrote \(json)") }
        }
    }
}
