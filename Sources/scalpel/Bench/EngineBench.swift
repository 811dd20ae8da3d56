import ArgumentParser
import ScalpelEngine

extension BenchCommand {
    /// `scalpel bench engine`: the kernels, called through the public ops.
    struct EngineBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "engine",
            abstract: "GFLOP/s of SGEMM and conv2d passes on ResNet-26's shapes; batch-norm, ReLU, add times.",
            discussion: """
            Each case runs --warmup times untimed, then --runs times; the figure is the median run. FLOPs = \
            2·MACs, the same for all three convolution passes. Activations are channels-last (the engine's \
            layout).

            Each pass is timed alone:
            - forward: no gradient recorded.
            - backward-data: only the input requires a gradient.
            - backward-weights: only the weight requires a gradient (the forward pass before a backward is \
            untimed).

            Times include what the op does around its kernel (weight reorders, allocation) but not the copy of \
            a leaf's gradient into .grad. The stem's backward-data never runs in training (images need no \
            gradient). "of peak" is the share of the best square SGEMM figure.

            Convolutions run on both fast backends: oneDNN, then im2col with BLAS GEMM (the backend without \
            oneDNN, SCALPEL_BACKEND=blas) in the last three columns; "blas/onednn" is the ratio of their \
            times.
            """)

        @OptionGroup var options: BenchOptions

        @Option(name: .long, help: "Timed runs per case.")
        var runs: Int = 15

        @Option(name: .customLong("batch-size"), help: "Batch size of the convolution, batch-norm and elementwise cases.")
        var batch: Int = 128

        @Option(name: .customLong("batch"), help: .hidden)
        var oldBatch: Int?

        @Option(name: .long, help: "Only cases whose name contains this text (e.g. 16->16, sgemm, bn).")
        var filter: String?

        mutating func validate() throws {
            RenamedFlag("--batch", to: "--batch-size").resolve(&batch, old: oldBatch)
            guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
            guard batch >= 2 else { throw ValidationError("--batch-size must be at least 2, got \(batch)") }
        }

        func run() throws {
            let threads = options.applyThreads()
            let bench = KernelBench(batch: batch, warmup: options.warmup, runs: runs)
            let table = EngineTable(threads: threads, batch: batch, quiet: options.json)
            let wanted = { (name: String) in filter.map { name.contains($0) } ?? true }
            for c in GemmCase.all where wanted(c.name) { table.add(bench.gemm(c)) }
            for c in ConvCase.resnet26 + ConvCase.depthwise where wanted(c.name) {
                let oneDNN = KernelBackend.with(.fast) { bench.conv(c) }
                guard KernelBackend.hasOneDNN, c.groups == 1 else { oneDNN.forEach { table.add($0) }; continue }
                let blas = KernelBackend.with(.blas) { bench.conv(c, group: "conv-blas") }
                for (a, b) in zip(oneDNN, blas) { table.add(a, beside: b) }
            }
            for c in NormCase.resnet26 where wanted(c.name) { bench.batchNorm(c).forEach { table.add($0) } }
            for c in ElementwiseCase.resnet26 where wanted(c.name) { bench.elementwise(c).forEach { table.add($0) } }
            if options.json {
                try printJSON(EngineReport(engine: "scalpel", threads: threads, batch: batch, results: table.results))
            }
        }
    }
}

/// One measured case. `gflops` is nil for batch norm and elementwise ops (memory-bound; their
/// time is the figure).
struct EngineResult: Codable {
    let group: String
    let name: String
    let pass: String
    let ms: Double
    let fastestMs: Double
    let gflops: Double?
    /// Interquartile range of the runs over their median.
    let spread: Double
    let runs: Int
}

struct EngineReport: Codable {
    let engine: String
    let threads: Int
    let batch: Int
    let results: [EngineResult]
}

/// Times each kernel through its public op.
struct KernelBench {
    let batch, warmup, runs: Int

    private func result(_ group: String, _ name: String, _ pass: String, _ s: Samples, flops: Double?) -> EngineResult {
        EngineResult(group: group, name: name, pass: pass, ms: s.median * 1e3, fastestMs: s.fastest * 1e3,
                     gflops: flops.map { $0 / s.median / 1e9 }, spread: s.spread, runs: s.values.count)
    }

    func gemm(_ c: GemmCase) -> EngineResult {
        var rng = RandomGenerator(seed: 1)
        let a = Tensor.randn([c.m, c.k], using: &rng), b = Tensor.randn([c.k, c.n], using: &rng)
        let s = Measure.samples(warmup: warmup, runs: runs) { withNoGrad { Measure.seconds { _ = a.matmul(b) } } }
        return result("gemm", c.name, "forward", s, flops: c.flops)
    }

    /// The three passes of a convolution on the current backend, in `group` ("conv-blas" for
    /// the BLAS backend beside oneDNN).
    func conv(_ c: ConvCase, group: String = "conv") -> [EngineResult] {
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.randn([batch, c.inChannels, c.size, c.size], using: &rng).converted(to: .channelsLast)
        let w = Tensor.randn([c.outChannels, c.inChannels / c.groups, c.kernel, c.kernel], std: 0.1, using: &rng)
        let gy = Tensor.randn([batch, c.outChannels, c.outSize, c.outSize], using: &rng).converted(to: .channelsLast)
        let grouped = c.groups > 1
        let op = {
            grouped ? groupedConv2d(x, weight: w, stride: c.stride, padding: .symmetric(c.padding), groups: c.groups)
                : conv2d(x, weight: w, stride: c.stride, padding: c.padding)
        }
        let kernel = grouped ? "grouped_conv2d" : "conv2d"
        let flops = c.flops(batch: batch)
        let forward = Measure.samples(warmup: warmup, runs: runs) { withNoGrad { Measure.seconds { _ = op() } } }
        return [
            result(group, c.name, "forward", forward, flops: flops),
            result(group, c.name, "backward-data",
                   backward(gradient: gy, through: [x], kernel: "\(kernel).backward_data", op), flops: flops),
            result(group, c.name, "backward-weights",
                   backward(gradient: gy, through: [w], kernel: "\(kernel).backward_weights", op), flops: flops),
        ]
    }

    func batchNorm(_ c: NormCase) -> [EngineResult] {
        var rng = RandomGenerator(seed: 3)
        let shape = [batch, c.channels, c.size, c.size]
        let x = Tensor.randn(shape, using: &rng).converted(to: .channelsLast)
        let gy = Tensor.randn(shape, using: &rng).converted(to: .channelsLast)
        let gamma = Tensor.ones([c.channels]), beta = Tensor.zeros([c.channels])
        let mean = Tensor.zeros([c.channels]), variance = Tensor.ones([c.channels])
        let op = { batchNorm2d(x, weight: gamma, bias: beta, runningMean: mean, runningVar: variance, training: true) }
        let forward = Measure.samples(warmup: warmup, runs: runs) { withNoGrad { Measure.seconds { _ = op() } } }
        let backward = backward(gradient: gy, through: [x, gamma, beta], kernel: "batchnorm.backward", op)
        return [result("batchnorm", c.name, "forward", forward, flops: nil),
                result("batchnorm", c.name, "backward", backward, flops: nil)]
    }

    func elementwise(_ c: ElementwiseCase) -> [EngineResult] {
        var rng = RandomGenerator(seed: 5)
        let shape = [batch, c.channels, c.size, c.size]
        let x = Tensor.randn(shape, using: &rng).converted(to: .channelsLast)
        let other = Tensor.randn(shape, using: &rng).converted(to: .channelsLast)
        let op = c.op == .relu ? { x.relu() } : { x + other }
        let forward = Measure.samples(warmup: warmup, runs: runs) { withNoGrad { Measure.seconds { _ = op() } } }
        var results = [result("elementwise", c.name, "forward", forward, flops: nil)]
        if c.op == .relu {
            results.append(result("elementwise", c.name, "backward",
                                  backward(gradient: other, through: [x], kernel: nil, op), flops: nil))
        }
        return results
    }

    /// Times `y.backward(gradient)` for y = op() recorded with only `inputs` requiring a gradient.
    ///
    /// The inputs stop requiring a gradient once the op is recorded: the node still computes
    /// their gradients (it decided at recording), but the backward pass does not copy them into
    /// the leaves' `.grad`, a cost no layer inside a network pays. The first run checks that the
    /// expected kernel ran exactly once (ops that count no kernel pass nil), so a change in the
    /// engine cannot make this time nothing.
    private func backward(gradient: Tensor, through inputs: [Tensor], kernel: String?,
                          _ op: () -> Tensor) -> Samples {
        func run() -> Double {
            inputs.forEach { $0.requiresGrad = true }
            let y = op()
            inputs.forEach { $0.requiresGrad = false }
            return Measure.seconds { y.backward(gradient) }
        }
        let (_, counts) = KernelStats.counting { _ = run() }
        if let kernel { precondition(counts[kernel] == 1, "bench: expected one \(kernel) call, counted \(counts)") }
        return Measure.samples(warmup: warmup, runs: runs, run)
    }
}

/// Prints results as they come (unless quiet) and keeps them for the JSON report.
final class EngineTable {
    private(set) var results: [EngineResult] = []
    private var gemmPeak = 0.0
    private let quiet: Bool

    init(threads: Int, batch: Int, quiet: Bool) {
        self.quiet = quiet
        guard !quiet else { return }
        print("scalpel bench engine: \(threads) thread(s), batch \(batch); median of the timed runs")
        print(padded("case", 22) + padded("pass", 18) + padded("ms", 10, left: true)
              + padded("GFLOP/s", 10, left: true) + padded("of peak", 9, left: true) + padded("±", 6, left: true)
              + padded("blas ms", 10, left: true) + padded("GFLOP/s", 10, left: true)
              + padded("blas/onednn", 13, left: true))
    }

    /// Adds a result, and on the same line a second backend's result for the same case.
    func add(_ r: EngineResult, beside other: EngineResult? = nil) {
        results.append(r)
        if let other { results.append(other) }
        if r.group == "gemm", GemmCase.squareNames.contains(r.name) { gemmPeak = max(gemmPeak, r.gflops ?? 0) }
        guard !quiet else { return }
        let gflops = r.gflops.map { fixed($0, 1) } ?? ""
        let share = r.group == "conv" && gemmPeak > 0 ? fixed(100 * (r.gflops ?? 0) / gemmPeak, 0) + "%" : ""
        print(padded(r.name, 22) + padded(r.pass, 18) + padded(fixed(r.ms, 3), 10, left: true)
              + padded(gflops, 10, left: true) + padded(share, 9, left: true)
              + padded(fixed(100 * r.spread, 0) + "%", 6, left: true)
              + (other.map { o in
                  padded(fixed(o.ms, 3), 10, left: true) + padded(o.gflops.map { fixed($0, 1) } ?? "", 10, left: true)
                      + padded(fixed(o.ms / r.ms, 2), 13, left: true)
              } ?? ""))
    }
}
