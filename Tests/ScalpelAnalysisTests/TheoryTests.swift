import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelAnalysis

/// The propositions of Section 3.1 and Theorem 1 of Section 3.2, asserted numerically on the
/// constructions documented in `PerturbationExperiments.swift` and `Theorem1Experiment.swift`.
@Suite struct TheoryTests {
    @Test func leastSquaresResidualIsTheOrthogonalPart() {
        let phi: [[Double]] = [[1, 0], [0, 1], [0, 0]]
        #expect(LinearAlgebra.leastSquaresResidual(features: phi, targets: [2, -3, 0]) < 1e-20)
        #expect(abs(LinearAlgebra.leastSquaresResidual(features: phi, targets: [2, -3, 6]) - 12) < 1e-12)  // 6²/3
        let dependent: [[Double]] = [[1, 2], [2, 4], [3, 6]]
        #expect(abs(LinearAlgebra.leastSquaresResidual(features: dependent, targets: [1, 2, 3])) < 1e-20)
    }

    /// Proposition 1: first-layer tuning reaches zero target loss; last-layer tuning stays above
    /// the least-squares residual min_v (1/n)‖relu(B⁰Ax)v − y‖², which is positive here.
    @Test func inputPerturbationFavoursTheFirstLayer() {
        let r = inputPerturbationExperiment()
        #expect(r.loss(.first) < 1e-6)
        #expect(r.lowerBound > 1e-3, "the construction leaves last-layer tuning a positive floor")
        #expect(r.loss(.last) >= r.lowerBound * (1 - 1e-4), "no last layer beats the least-squares optimum")
    }

    /// Proposition 2: last-layer tuning reaches zero target loss; first-layer tuning stays above
    /// mean(y_tgt²), because v⁰ > 0 keeps every prediction ≥ 0 while every target is negative.
    @Test func labelPerturbationFavoursTheLastLayer() {
        let r = labelPerturbationExperiment()
        #expect(r.loss(.last) < 1e-6)
        #expect(r.lowerBound > 0.1)
        #expect(r.loss(.first) >= r.lowerBound * (1 - 1e-4))
    }

    /// Theorem 1: first-layer tuning's held-out target loss goes to zero; full fine-tuning's stays
    /// above it at every recorded step (and above 1e-3 once training has started).
    @Test func theorem1FirstLayerBeatsFullFineTuning() {
        let r = theorem1Experiment()
        let first = r.outcome(.first).trace, all = r.outcome(.all).trace
        #expect(first.finalTargetLoss < 1e-6)
        #expect(all.targetLoss.allSatisfy { $0 > first.finalTargetLoss })
        #expect(all.targetLoss.allSatisfy { $0 > 1e-3 })
        #expect(all.trainLoss.last! < 1e-6, "full fine-tuning does fit its few examples: the gap is forgetting")
    }

    @Test func tablesListEveryTuning() {
        var short = PerturbationSettings()
        short.steps = 50
        var theorem = Theorem1Settings()
        theorem.steps = 50
        let report = TheoryReport(input: inputPerturbationExperiment(short), label: labelPerturbationExperiment(short),
                                  theorem1: theorem1Experiment(theorem))
        #expect(report.propositionsTable.contains("input perturbation"))
        #expect(report.theorem1Table.split(separator: "\n").count > 5)
    }
}
