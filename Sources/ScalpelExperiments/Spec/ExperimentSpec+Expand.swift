import ScalpelData
import ScalpelNN
import ScalpelTuning

extension ExperimentSpec {
    /// The sessions and runs of a valid spec: a session per checkpoint, shift, target size and
    /// draw of the target split (`splitDraws`).
    func expand(shiftPlans: [ShiftPlan], methods: [MethodSpec], options: TrainingOptions,
                adaptations: [AdaptationSessionPlan]) -> SweepPlan {
        let seeds = self.seeds ?? [0]
        var sessions: [SessionPlan] = []
        for plan in shiftPlans {
            for checkpoint in plan.checkpoints {
                let defaults = plan.shift.defaultSplitSizes
                for size in targetSizes ?? [defaults.tune] {
                    let sizes = SplitSizes(tune: size, validation: validationPerClass ?? defaults.validation,
                                           test: testPerClass, byGroup: defaults.byGroup)
                    for draw in splitDraws(seeds: seeds) {
                        let runs = plannedRuns(plan: plan, checkpoint: checkpoint, sizes: sizes, splitSeed: draw.splitSeed,
                                               seeds: draw.seeds, allSeeds: seeds, methods: methods, options: options)
                        guard !runs.isEmpty else { continue }
                        sessions.append(SessionPlan(checkpoint: checkpoint, shift: plan.shift, splitSizes: sizes,
                                                    splitSeed: draw.splitSeed, options: options, runs: runs))
                    }
                }
            }
        }
        return SweepPlan(name: name ?? "experiment", sessions: sessions, adaptations: adaptations, dataDirectory: dataDirectory)
    }

    /// The draws of the target split and the fine-tuning seeds on each: one draw for all seeds
    /// (`split_seed` an integer, default 0), or one per seed (`per-seed`), each its own session.
    func splitDraws(seeds: [UInt64]) -> [(splitSeed: UInt64, seeds: [UInt64])] {
        switch splitSeed ?? .fixed(0) {
        case .fixed(let value): [(value, seeds)]
        case .perSeed: seeds.map { ($0, [$0]) }
        }
    }

    /// Every method's grid points for `seeds` on one draw of one shift's split; `allSeeds` are the
    /// spec's seeds, over which each method's study is defined.
    private func plannedRuns(plan: ShiftPlan, checkpoint: CheckpointSource, sizes: SplitSizes, splitSeed: UInt64,
                             seeds: [UInt64], allSeeds: [UInt64], methods: [MethodSpec],
                             options: TrainingOptions) -> [PlannedRun] {
        var runs: [PlannedRun] = []
        for (text, method) in zip(self.methods, methods) {
            let rates = methodLearningRates?[text] ?? methodLearningRates?[method.description] ?? learningRates
            let study = MethodStudy(method: method, learningRates: rates,
                                    hyperparameters: method.hyperparameterName.flatMap { hyperparameters?[$0] },
                                    seeds: allSeeds)
            for seed in seeds {
                for point in study.points(seed: seed) {
                    let identity = RunIdentity(
                        checkpointSHA256: checkpoint.sha256, architecture: checkpoint.configuration.architecture,
                        shift: plan.identity, method: method.description, targetSize: sizes.tune,
                        validationPerClass: sizes.validation, testPerClass: sizes.test,
                        splitsByGroup: sizes.byGroup, splitSeed: splitSeed,
                        learningRate: point.learningRate, hyperparameter: point.hyperparameter,
                        seed: seed, options: options)
                    let configuration = RunConfiguration(
                        identity: identity, experiment: name ?? "experiment", checkpointPath: checkpoint.path,
                        shiftLabel: plan.label, hyperparameterName: method.hyperparameterName)
                    runs.append(PlannedRun(configuration: configuration, key: identity.key, method: method))
                }
            }
        }
        return runs
    }
}
