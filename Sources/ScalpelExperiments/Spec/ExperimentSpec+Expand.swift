import ScalpelData
import ScalpelNN
import ScalpelTuning

extension ExperimentSpec {
    /// The sessions and runs of a valid spec.
    func expand(shiftPlans: [ShiftPlan], methods: [MethodSpec], options: TrainingOptions,
                adaptations: [AdaptationSessionPlan]) -> SweepPlan {
        let experiment = name ?? "experiment"
        let seeds = self.seeds ?? [0]
        var sessions: [SessionPlan] = []
        for plan in shiftPlans {
            let (shift, label) = (plan.shift, plan.label)
            for checkpoint in plan.checkpoints {
                let defaults = shift.defaultSplitSizes
                for size in targetSizes ?? [defaults.tune] {
                    let sizes = SplitSizes(tune: size, validation: validationPerClass ?? defaults.validation,
                                           test: testPerClass, byGroup: defaults.byGroup)
                    var runs: [PlannedRun] = []
                    for (text, method) in zip(self.methods, methods) {
                        let rates = methodLearningRates?[text] ?? methodLearningRates?[method.description] ?? learningRates
                        let study = MethodStudy(method: method, learningRates: rates,
                                                hyperparameters: method.hyperparameterName.flatMap { hyperparameters?[$0] },
                                                seeds: seeds)
                        for seed in seeds {
                            for point in study.points(seed: seed) {
                                let identity = RunIdentity(
                                    checkpointSHA256: checkpoint.sha256, architecture: checkpoint.configuration.architecture,
                                    shift: plan.identity, method: method.description, targetSize: size,
                                    validationPerClass: sizes.validation, testPerClass: sizes.test,
                                    splitsByGroup: sizes.byGroup, splitSeed: splitSeed ?? 0,
                                    learningRate: point.learningRate, hyperparameter: point.hyperparameter,
                                    seed: seed, options: options)
                                let configuration = RunConfiguration(
                                    identity: identity, experiment: experiment, checkpointPath: checkpoint.path, shiftLabel: label,
                                    hyperparameterName: method.hyperparameterName)
                                runs.append(PlannedRun(configuration: configuration, key: identity.key, method: method))
                            }
                        }
                    }
                    guard !runs.isEmpty else { continue }
                    sessions.append(SessionPlan(checkpoint: checkpoint, shift: shift, splitSizes: sizes,
                                                splitSeed: splitSeed ?? 0, options: options, runs: runs))
                }
            }
        }
        return SweepPlan(name: experiment, sessions: sessions, adaptations: adaptations, dataDirectory: dataDirectory)
    }
}
