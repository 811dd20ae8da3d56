import Foundation

/// The Section 3 experiments together, with Markdown tables of their outcomes.
public struct TheoryReport: Codable, Sendable {
    /// Proposition 1's input-perturbation experiment.
    public var input: PerturbationResult
    /// Proposition 2's label-perturbation experiment.
    public var label: PerturbationResult
    /// Theorem 1's experiment.
    public var theorem1: Theorem1Result

    /// Runs the three experiments with their default settings and `seed`.
    public static func run(seed: UInt64 = 0) -> TheoryReport {
        var input = PerturbationSettings.input, label = PerturbationSettings.label, theorem = Theorem1Settings()
        input.seed = seed
        label.seed = seed
        theorem.seed = seed
        return TheoryReport(input: inputPerturbationExperiment(input), label: labelPerturbationExperiment(label),
                            theorem1: theorem1Experiment(theorem))
    }

    static func format(_ x: Double) -> String { String(format: "%.3g", x) }

    /// Propositions 1 and 2: final target loss per tuning, and the proven lower bound.
    public var propositionsTable: String {
        var lines = ["| shift | first layer | last layer | all | lower bound (for) |", "|---|---|---|---|---|"]
        for r in [input, label] {
            lines.append("| \(r.name) | \(Self.format(r.loss(.first))) | \(Self.format(r.loss(.last))) | " +
                         "\(Self.format(r.loss(.all))) | \(Self.format(r.lowerBound)) (\(r.boundedTuning.rawValue): \(r.boundReason)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// Theorem 1: held-out target loss over training, per tuning.
    public var theorem1Table: String {
        let first = theorem1.outcome(.first).trace, all = theorem1.outcome(.all).trace, last = theorem1.outcome(.last).trace
        var lines = ["| step | first layer | all (full fine-tuning) | last layer |", "|---|---|---|---|"]
        let rows = Set(stride(from: 0, to: first.steps.count, by: max(1, first.steps.count / 8))).union([first.steps.count - 1])
        for i in rows.sorted() {
            lines.append("| \(first.steps[i]) | \(Self.format(first.targetLoss[i])) | \(Self.format(all.targetLoss[i])) | " +
                         "\(Self.format(last.targetLoss[i])) |")
        }
        return lines.joined(separator: "\n")
    }
}
