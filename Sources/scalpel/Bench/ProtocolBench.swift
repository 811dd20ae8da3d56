import ArgumentParser
import Foundation
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

extension BenchCommand {
    /// `scalpel bench protocol`: the wall time of one run of the paper's fine-tuning protocol.
    struct ProtocolBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "protocol",
            abstract: "Seconds for one run of the fine-tuning protocol (train, validate every epoch, test once).",
            discussion: """
            One run as `scalpel finetune` does it: --epochs epochs of Adam on --tune-size images in batches of \
            --batch-size, validation accuracy after every epoch, the best epoch's state evaluated once on the \
            test set; BatchNorm in eval mode, so blocks below the first trainable one run once per data set \
            (surgery-aware execution; --no-cache turns it off). Random 1x28x28 images and labels (seeded), \
            from a randomly initialized model.

            scripts/bench_torch.py protocol runs the same case in PyTorch the way the authors' code does \
            (validation and test evaluated after every epoch).
            """)

        @OptionGroup var options: BenchOptions

        @Option(name: .long, help: "Architecture.")
        var arch = "resnet26"

        @Option(name: .long, help: "Method: all, last, or surgical (with --tune).")
        var method = "all"

        @Option(name: .long, help: "Selection for --method surgical (block3, stem+block1, ...).")
        var tune: String?

        @Option(name: .customLong("tune-size"), help: "Tuning images.")
        var tuneSize = 1000

        @Option(name: .customLong("validation-size"), help: "Validation images.")
        var validationSize = 2000

        @Option(name: .customLong("test-size"), help: "Test images.")
        var testSize = 8000

        @Option(name: .long, help: "Epochs.")
        var epochs = 15

        @Option(name: .customLong("batch-size"), help: "Batch size.")
        var batch = 64

        @Option(name: .customLong("batch"), help: .hidden)
        var oldBatch: Int?

        @Flag(name: .customLong("no-cache"), help: "Recompute frozen blocks every batch.")
        var noCache = false

        mutating func validate() throws {
            RenamedFlag("--batch", to: "--batch-size").resolve(&batch, old: oldBatch)
            guard ["all", "last", "surgical"].contains(method) else {
                throw ValidationError("--method '\(method)': expected all, last or surgical")
            }
            if method == "surgical" && tune == nil { throw ValidationError("--method surgical needs --tune SEL") }
            for (flag, v) in [("--tune-size", tuneSize), ("--validation-size", validationSize), ("--test-size", testSize),
                              ("--epochs", epochs), ("--batch-size", batch)] where v < 1 {
                throw ValidationError("\(flag) must be positive, got \(v)")
            }
        }

        func run() throws {
            let threads = options.applyThreads()
            let model = try ModelConfiguration(architecture: arch, inChannels: 1, classes: 10, imageSize: 28).build()
            var rng = RandomGenerator(seed: 5)
            func examples(_ n: Int) -> ExampleSet {
                ExampleSet(inputs: Tensor.randn([n, 1, 28, 28], using: &rng), labels: (0..<n).map { _ in rng.nextInt(below: 10) })
            }
            let data = RunData(tune: examples(tuneSize), validation: examples(validationSize), test: examples(testSize))
            let spec = try MethodSpec(parsing: method == "surgical" ? "surgical:\(tune!)" : method)
            let options = TrainingOptions(epochs: epochs, batchSize: batch)
            let session = TuningSession(tuner: FineTuner(model: model, options: options), data: data,
                                        cachesPrefixes: !noCache)
            let implementation = try spec.method(for: model)
            let started = Date()
            let result = implementation.run(at: GridPoint(learningRate: 1e-3, seed: 0), in: session)
            let seconds = Date().timeIntervalSince(started)
            let again = Date()
            _ = implementation.run(at: GridPoint(learningRate: 1e-4, seed: 0), in: session)
            let report = ProtocolReport(
                engine: "scalpel", arch: arch, method: spec.description, threads: threads, epochs: epochs,
                batch: batch, tuneSize: tuneSize, validationSize: validationSize, testSize: testSize,
                seconds: seconds, secondsNextRun: Date().timeIntervalSince(again),
                trainableParameters: implementation.candidates(in: model).reduce(0) { n, name in
                    n + (model.namedParameters().first { $0.0 == name }?.1.count ?? 0) },
                cachedBlocks: session.blocksComputedOnce, status: result.status.rawValue,
                peakRssMb: Measure.peakResidentBytes().map { Double($0) / 1_048_576 })
            if self.options.json { try printJSON(report) } else { print(report.summary) }
        }
    }
}

/// What `bench protocol` measures (the fields `scripts/bench_torch.py protocol` prints too).
struct ProtocolReport: Codable {
    let engine, arch, method: String
    let threads, epochs, batch, tuneSize, validationSize, testSize: Int
    /// One run, including computing the frozen prefix's activations once.
    let seconds: Double
    /// A second run at another learning rate, reusing the cached activations.
    let secondsNextRun: Double?
    let trainableParameters: Int
    let cachedBlocks: [String]
    let status: String
    let peakRssMb: Double?

    var summary: String {
        """
        scalpel bench protocol: \(arch) \(method), \(epochs) epochs of \(tuneSize) images (batch \(batch)), \
        validation \(validationSize) every epoch, test \(testSize) once, \(threads) thread(s)
          one run: \(fixed(seconds, 1)) s (includes caching \(cachedBlocks.isEmpty ? "nothing" : cachedBlocks.joined(separator: ", ")) \
        activations); next run of the grid: \(secondsNextRun.map { fixed($0, 1) } ?? "?") s
          trainable parameters: \(trainableParameters); peak resident memory \(peakRssMb.map { fixed($0, 0) } ?? "?") MB
        """
    }
}
