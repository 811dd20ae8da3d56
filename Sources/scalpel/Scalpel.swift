import ArgumentParser
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
        Fine-tune only the blocks of a pre-trained network that a distribution shift calls for
        (Lee et al., "Surgical Fine-Tuning Improves Adaptation to Distribution Shifts", ICLR 2023).
        Set SCALPEL_THREADS to choose the number of threads. The OpenMP workers spin briefly
        between kernels (GOMP_SPINCOUNT=3000 unless GOMP_SPINCOUNT or OMP_WAIT_POLICY is set).
        """,
        subcommands: [DemoCommand.self, PretrainCommand.self, FinetuneCommand.self, InspectCommand.self, EvalCommand.self,
                      DataCommand.self, CorruptionTableCommand.self, AdaptCommand.self, AnalysisCommand.self,
                      SweepCommand.self, MergeCommand.self, ReportCommand.self, PatchCommand.self,
                      BenchCommand.self])

    /// Line-buffered standard output, so progress reaches a log file or pipe as it happens.
    static func main() {
        OpenMPWaitPolicy.applyByRestarting()
        setvbuf(stdout, nil, _IOLBF, 0)
        main(nil)
    }
}
