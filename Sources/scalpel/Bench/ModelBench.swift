import ArgumentParser
import ScalpelEngine
import ScalpelNN
import ScalpelOptim

extension BenchCommand {
    /// `scalpel bench model`: images/s of a model's forward pass or training step.
    struct ModelBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model",
            abstract: "Images/s of an eval forward pass or a training step, and peak memory.",
            discussion: """
            Modes (--mode):
            - forward: eval mode, no gradient recorded (evaluation speed).
            - all: a training step: forward in train mode (batch statistics), cross-entropy, backward, Adam; \
            every parameter trains.
            - a selection SEL (stem+block1, block3, last, ...): the same step with only SEL trainable; frozen \
            layers run forward only and get no gradient.

            Inputs and labels are random (seeded). Figures: the median step after --warmup steps; the peak \
            resident memory of the process (VmHWM) and the buffer pool's peak (bytes of live tensors during \
            the timed steps).
            """)

        @OptionGroup var options: BenchOptions

        @Option(name: .long, help: "Architecture: \(ModelConfiguration.architectures.joined(separator: ", ")).")
        var arch: String = "resnet26"

        @Option(name: .long, help: "Input shape CxHxW, e.g. 1x28x28 or 3x32x32.")
        var input: String = "1x28x28"

        @Option(name: .customLong("batch-size"), help: "Batch size.")
        var batch: Int = 128

        @Option(name: .customLong("batch"), help: .hidden)
        var oldBatch: Int?

        @Option(name: .long, help: "Number of classes.")
        var classes: Int = 10

        @Option(name: .long, help: "forward, all, or a selection of trainable blocks (e.g. stem+block1, block3, last).")
        var mode: String = "forward"

        @Option(name: .long, help: "Timed steps (default 20 for forward, 10 for training).")
        var steps: Int?

        mutating func validate() throws {
            RenamedFlag("--batch", to: "--batch-size").resolve(&batch, old: oldBatch)
            _ = try inputShape()
            guard ModelConfiguration.architectures.contains(arch) else {
                throw ValidationError("--arch '\(arch)' is not one of \(ModelConfiguration.architectures.joined(separator: ", "))")
            }
            guard batch >= 2 else { throw ValidationError("--batch-size must be at least 2 (batch statistics), got \(batch)") }
            if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        }

        func inputShape() throws -> [Int] {
            let dims = input.split(separator: "x").compactMap { Int($0) }
            guard dims.count == 3, dims.allSatisfy({ $0 > 0 }), dims[1] == dims[2] else {
                throw ValidationError("--input '\(input)': expected CxHxW with H = W, e.g. 1x28x28")
            }
            return dims
        }

        func run() throws {
            let threads = options.applyThreads()
            let dims = try inputShape()
            let model = try ModelConfiguration(architecture: arch, inChannels: dims[0], classes: classes,
                                               imageSize: dims[1]).build()
            var rng = RandomGenerator(seed: 4)
            let x = Tensor.randn([batch] + dims, using: &rng)
            let labels = (0..<batch).map { _ in rng.nextInt(below: classes) }

            let step: () -> Void
            var trainable = 0
            if mode == "forward" {
                model.eval()
                model.freeze()
                step = { withNoGrad { _ = model(x) } }
            } else {
                try model.setTrainable(mode)
                model.train()
                trainable = model.trainableParameterCount
                let adam = Adam(learningRate: 1e-3)
                step = {
                    let loss = crossEntropy(model(x), targets: labels)
                    loss.backward()
                    adam.step(model.trainableParameters())
                    model.zeroGrad()
                }
            }

            let count = steps ?? (mode == "forward" ? 20 : 10)
            for _ in 0..<options.warmup { step() }
            BufferPool.shared.resetPeak()
            let samples = Measure.samples(warmup: 0, runs: count) { Measure.seconds(step) }
            let report = ModelReport(
                engine: "scalpel", arch: arch, input: input, batch: batch, mode: mode, threads: threads,
                steps: samples.values.count, trainableParameters: trainable,
                imagesPerSecond: Double(batch) / samples.median, msPerStep: samples.median * 1e3,
                fastestMsPerStep: samples.fastest * 1e3, spread: samples.spread,
                peakRssMb: Measure.peakResidentBytes().map { Double($0) / 1_048_576 },
                poolPeakMb: Double(BufferPool.shared.statistics.peakLiveBytes) / 1_048_576)
            if options.json { try printJSON(report) } else { print(report.summary) }
        }
    }
}

/// What `bench model` measures (the fields `scripts/bench_torch.py model` prints too).
struct ModelReport: Codable {
    let engine, arch, input: String
    let batch: Int
    let mode: String
    let threads, steps, trainableParameters: Int
    let imagesPerSecond, msPerStep, fastestMsPerStep, spread: Double
    let peakRssMb: Double?
    let poolPeakMb: Double

    var summary: String {
        """
        scalpel bench model: \(arch) \(input) batch \(batch), mode \(mode), \(threads) thread(s), \(steps) steps
          \(fixed(imagesPerSecond, 0)) images/s (\(fixed(msPerStep, 1)) ms per step, fastest \(fixed(fastestMsPerStep, 1)), spread \(fixed(100 * spread, 0))%)
          trainable parameters: \(trainableParameters)
          peak resident memory \(peakRssMb.map { fixed($0, 0) } ?? "?") MB; buffer pool peak \(fixed(poolPeakMb, 0)) MB
        """
    }
}
