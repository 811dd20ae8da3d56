import ScalpelData
import ScalpelNN
import ScalpelTuning

extension ExperimentSpec {
    /// The most runs (fine-tuning and adaptation together) a spec may ask for unless the caller
    /// lifts the cap (`scalpel sweep --max-runs N`): a grid of a few long lists multiplies quickly
    /// (18 million runs from one typo), and expanding it would exhaust memory before any run.
    public static let defaultMaximumRuns = 10_000

    /// The number of fine-tuning runs `expand` would plan, counted without building them.
    func fineTuningRunCount(shiftPlans: [ShiftPlan], methods: [MethodSpec]) -> Int {
        let seedCount = (seeds ?? [0]).count
        var total = 0
        for plan in shiftPlans {
            let sizes = (targetSizes ?? [plan.shift.defaultSplitSizes.tune]).count
            var perSeed = 0
            for (text, method) in zip(self.methods, methods) {
                let rates = methodLearningRates?[text] ?? methodLearningRates?[method.description] ?? learningRates
                let study = MethodStudy(method: method, learningRates: rates,
                                        hyperparameters: method.hyperparameterName.flatMap { hyperparameters?[$0] },
                                        seeds: [0])
                perSeed = perSeed.addingClamped(study.points(seed: 0).count)
            }
            total = total.addingClamped(plan.checkpoints.count.multipliedClamped(sizes).multipliedClamped(perSeed)
                .multipliedClamped(seedCount))
        }
        return total
    }
}

extension Int {
    /// `self + other`, or `Int.max` on overflow.
    func addingClamped(_ other: Int) -> Int {
        let (r, o) = addingReportingOverflow(other)
        return o ? .max : r
    }

    /// `self × other`, or `Int.max` on overflow.
    func multipliedClamped(_ other: Int) -> Int {
        let (r, o) = multipliedReportingOverflow(by: other)
        return o ? .max : r
    }
}
