import ArgumentParser
import ScalpelEngine

@main
struct Scalpel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scalpel",
        abstract: "Surgical fine-tuning of neural networks on the CPU.",
        subcommands: [])
}
