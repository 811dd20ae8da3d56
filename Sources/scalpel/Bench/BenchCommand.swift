import ArgumentParser
import ScalpelEngine

/// `scalpel bench`: throughput of the engine's kernels and of whole training steps.
///
/// Every figure is the median of several timed runs after warm-up runs. `scripts/bench_torch.py`
/// runs the same cases with PyTorch and prints the same JSON fields; `scripts/bench_compare.py`
/// (`make bench`) runs both and prints the ratios.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the engine's kernels and ResNet training steps (use a release build).",
        discussion: """
        Benchmarks:
        - engine: GFLOP/s of SGEMM and of conv2d forward, backward-data and backward-weights on ResNet-26's \
        layer shapes (batch 128, 28x28 input); batch-norm and elementwise times.
        - model: images/s of an eval forward pass, or of a training step (forward, cross-entropy, backward, \
        Adam) with a selection of trainable blocks; peak memory.

        Build with `swift build -c release --product scalpel` (debug builds are 10-100x slower). `make bench` \
        runs engine and model and PyTorch's twin (scripts/bench_torch.py) and prints the ratios \
        (scripts/bench_compare.py).
        """,
        subcommands: [EngineBench.self, ModelBench.self, ProtocolBench.self, DataBench.self])
}

/// Options every benchmark takes.
struct BenchOptions: ParsableArguments {
    @Option(name: .long, help: "Threads for every kernel pool (default: $SCALPEL_THREADS, else the usable CPUs).")
    var threads: Int?

    @Option(name: .long, help: "Untimed runs before measuring each case.")
    var warmup: Int = 3

    @Flag(name: .long, help: "Print one JSON document instead of a table.")
    var json = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative, got \(warmup)") }
    }

    /// Applies `--threads` and returns the thread count in effect.
    func applyThreads() -> Int {
        if let threads { Engine.setThreads(threads) }
        return Engine.threads
    }
}
