import ArgumentParser
import ScalpelAnalysis

/// `scalpel analysis theory`: the two-layer experiments of Sections 3.1 and 3.2.
struct AnalysisTheoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theory",
        abstract: "Propositions 1-2 and Theorem 1 on synthetic data with a two-layer network; print the tables.",
        discussion: """
        Input perturbation x → Ax and label perturbation y → −y with a ReLU network f(x) = vᵀ relu(Bx) (8 \
        inputs, 6 hidden units for x → Ax and 2 for y → −y, 16 target examples): final target loss (MSE) of \
        tuning the first layer, the last layer or both, and the lower bound the construction proves for the \
        tuning that cannot fit.

        Theorem 1 with a linear network and a 1-dimensional representation, target inputs adding 2 new \
        directions, 8 target examples: held-out target loss over gradient-descent steps for first-layer, full \
        and last-layer tuning.
        """)

    @Option(name: .long, help: "Seed of the constructions.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Write the results as JSON to this file (atomically).")
    var json: String?

    func validate() throws {
        if let json { try OutputPath.check(json, flag: "--json", inputs: [], allowsStandardOutput: true) }
    }

    func run() throws {
        let report = TheoryReport.run(seed: seed)
        print("Final target loss (MSE on the target examples), Propositions 1 and 2:\n")
        print(report.propositionsTable)
        print("\nTheorem 1: held-out target loss (MSE) over gradient-descent steps:\n")
        print(report.theorem1Table)
        if let json {
            try writeJSONAtomically(report, to: json)
            if json != OutputPath.standardOutput { print("wrote \(json)") }
        }
    }
}
