import ArgumentParser
import ScalpelData
import ScalpelEngine
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@main
struct Scalpel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scalpel",
        abstract: "Surgical fine-tuning of neural networks on the CPU.",
        discussion: """
        Fine-tune only the blocks of a pre-trained network that a distribution shift calls for (Lee et al., \
        "Surgical Fine-Tuning Improves Adaptation to Distribution Shifts", ICLR 2023).

        Environment:
        - SCALPEL_THREADS: the number of threads (default: the CPUs it may use).
        - GOMP_SPINCOUNT, OMP_WAIT_POLICY: how long the OpenMP workers spin between kernels \
        (GOMP_SPINCOUNT=3000 unless one of them is set).
        - SCALPEL_BACKEND=blas: convolutions by im2col and BLAS instead of oneDNN.
        - SCALPEL_DATA: the data directory (default ~/.cache/scalpel), with the decode cache of your images \
        in cache/; SCALPEL_NO_DECODE_CACHE=1 neither reads nor writes that cache.
        - SCALPEL_DECODE_CACHE_MAX: the cap of that cache, in bytes or with a K, M, G or T suffix (default 20G); \
        the least recently used files beyond it are deleted.
        - SCALPEL_POOL_LIMIT: the most memory the engine keeps in freed buffers for reuse, in bytes or with a K, M, G \
        or T suffix (default: a quarter of the memory the process may use, physical or its cgroup limit, at most 6G); \
        0 keeps none.

        Exit status: 0 success, 64 usage, 65 bad data, 70 internal error, 74 I/O (docs/limits.md). The flags \
        of every command and shell completion: docs/cli.md.
        """,
        version: VersionText.version,
        subcommands: [DemoCommand.self, PretrainCommand.self, FinetuneCommand.self, InspectCommand.self, EvalCommand.self,
                      DataCommand.self, CorruptionTableCommand.self, AdaptCommand.self, AnalysisCommand.self,
                      SweepCommand.self, MergeCommand.self, ReportCommand.self, PatchCommand.self,
                      BenchCommand.self, ConvertCommand.self])

    /// Line-buffered standard output, so progress reaches a log file or pipe as it happens.
    static func main() {
        OpenMPWaitPolicy.applyByRestarting()
        #if canImport(Glibc)
        // Decoding an image allocates and frees buffers of about a megabyte; glibc's defaults hand
        // them back to the kernel and fault them in again (40% of decoding time at 224×224): keep
        // up to 64 MiB free at the top of the heap, and allocations below 32 MiB (its own dynamic
        // maximum) in it.
        // mallopt(3) is declared in <malloc.h>, outside the Glibc module: looked up by name.
        if let symbol = dlsym(nil, "mallopt") {
            let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
            _ = mallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
            _ = mallopt(-1, 64 << 20)  // M_TRIM_THRESHOLD
        }
        #endif
        setvbuf(stdout, nil, _IOLBF, 0)
        if VersionText.handled(Array(CommandLine.arguments.dropFirst())) { return }
        if let problem = KernelBackend.environmentProblem { fputs("scalpel: \(problem)\n", stderr) }
        DataStore.installer = { store, dataset in try DataFetcher(store: store).fetch(dataset) }  // install on first use
        runMappingExitStatus()
    }
}
