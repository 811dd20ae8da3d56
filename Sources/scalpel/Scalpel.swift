import ArgumentParser
import ScalpelEngine

@main
struct Scalpel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scalpel",
        abstract: "Surgical fine-tuning of neural networks on the CPU.",
        discussion: """
        Fine-tune only the blocks of a pre-trained network that a distribution shift calls for
        (Lee et al., "Surgical Fine-Tuning Improves Adaptation to Distribution Shifts", ICLR 2023).
        Set SCALPEL_THREADS to choose the number of threads.
        """,
        subcommands: [DemoCommand.self, InspectCommand.self, EvalCommand.self, DataCommand.self, BenchCommand.self])
}
