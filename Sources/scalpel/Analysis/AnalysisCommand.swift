import ArgumentParser

/// `scalpel analysis`: the experiments of the paper's Section 3.
struct AnalysisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis",
        abstract: "The paper's analysis experiments: parameter-noise shifts (3.3) and the two-layer theory (3.1-3.2).",
        subcommands: [AnalysisNoiseCommand.self, AnalysisTheoryCommand.self])
}
