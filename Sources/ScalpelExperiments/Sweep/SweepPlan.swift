import ScalpelData
import ScalpelNN
import ScalpelTuning

/// One run of a sweep, planned: its identity, key and configuration.
public struct PlannedRun: Sendable {
    /// What the run computes (`identity`) and where it came from (experiment, paths, labels).
    public let configuration: RunConfiguration
    /// The run's key: SHA-256 hex of its `RunIdentity`, its primary key in `runs`.
    public let key: String
    /// The parsed method that makes the run.
    public let method: MethodSpec

    /// The run's identity (`configuration.identity`).
    public var identity: RunIdentity { configuration.identity }
}

/// The runs that share one `TuningSession`: one checkpoint, shift and target size (the training
/// options are the experiment's), so runs with the same frozen prefix share its activations.
public struct SessionPlan: Sendable {
    /// The checkpoint every run of the session fine-tunes from.
    public let checkpoint: CheckpointSource
    /// The shift whose target data the session splits, its relative paths resolved.
    public let shift: ShiftSpec
    /// Tune, validation and test examples per class (or group) of the target split.
    public let splitSizes: SplitSizes
    /// Seed of the target split.
    public let splitSeed: UInt64
    /// The experiment's training options, shared by every run of the session.
    public let options: TrainingOptions
    /// The session's runs, in plan order (method, seed, learning rate, hyperparameter).
    public let runs: [PlannedRun]

    /// A short label for logs: `resnet26 fmnist-flip n=20`, and `split seed 3` unless the split seed is 0.
    public var label: String {
        "\(checkpoint.configuration.architecture) \(shift) n=\(splitSizes.tune)" + (splitSeed == 0 ? "" : " split seed \(splitSeed)")
    }

    /// The same session with only the runs `keep` accepts.
    public func filter(_ keep: (PlannedRun) -> Bool) -> SessionPlan {
        SessionPlan(checkpoint: checkpoint, shift: shift, splitSizes: splitSizes, splitSeed: splitSeed, options: options,
                    runs: runs.filter(keep))
    }
}

/// The adaptation runs that share one test set: one checkpoint and shift (and the experiment's
/// split seed); each run takes the first `testSize` images of the target test split.
public struct AdaptationSessionPlan: Sendable {
    /// The checkpoint every run of the session adapts.
    public let checkpoint: CheckpointSource
    /// The shift whose target test split the runs adapt to, its relative paths resolved.
    public let shift: ShiftSpec
    /// Seed of the target split the test images come from.
    public let splitSeed: UInt64
    /// The session's adaptation runs, in plan order (group, selection, mode, learning rate, seed).
    public let runs: [PlannedAdaptation]

    /// A short label for logs: `resnet26 fmnist-c:gaussian_noise:5 adaptation`.
    public var label: String { "\(checkpoint.configuration.architecture) \(shift) adaptation" }

    /// The same session with only the runs `keep` accepts.
    public func filter(_ keep: (PlannedAdaptation) -> Bool) -> AdaptationSessionPlan {
        AdaptationSessionPlan(checkpoint: checkpoint, shift: shift, splitSeed: splitSeed, runs: runs.filter(keep))
    }
}

/// A validated experiment: every session and run of its grid, in a fixed order
/// (checkpoint, shift, target size; then method, seed, learning rate, hyperparameter), then
/// its adaptation runs (checkpoint, shift; then group, selection, mode, learning rate, seed).
public struct SweepPlan: Sendable {
    /// The experiment's name (`ExperimentSpec.name`, default `experiment`).
    public let name: String
    /// The fine-tuning sessions, one per checkpoint × shift × target size that has runs.
    public let sessions: [SessionPlan]
    /// The adaptation sessions, one per checkpoint × shift that has adaptation runs.
    public let adaptations: [AdaptationSessionPlan]
    /// Where the data sets are read from.
    public let dataDirectory: String?
    /// The spec's `reuse` databases, resolved (the sweep opens them as `reuseSources`).
    public var reuse: [String] = []

    /// A plan from its sessions, taken as given (`ExperimentSpec.plan` builds validated ones); no reuse databases.
    public init(name: String, sessions: [SessionPlan], adaptations: [AdaptationSessionPlan] = [], dataDirectory: String?) {
        self.name = name
        self.sessions = sessions
        self.adaptations = adaptations
        self.dataDirectory = dataDirectory
    }

    /// Every fine-tuning run of the plan, session by session.
    public var runs: [PlannedRun] { sessions.flatMap(\.runs) }

    /// Every adaptation run of the plan, session by session.
    public var adaptationRuns: [PlannedAdaptation] { adaptations.flatMap(\.runs) }

    /// The plan restricted to one shard (every run, and adaptation run, whose key falls in it).
    public func restricted(to shard: Shard) -> SweepPlan {
        var plan = SweepPlan(name: name, sessions: sessions.map { $0.filter { shard.contains(key: $0.key) } }.filter { !$0.runs.isEmpty },
                             adaptations: adaptations.map { $0.filter { shard.contains(key: $0.key) } }.filter { !$0.runs.isEmpty },
                             dataDirectory: dataDirectory)
        plan.reuse = reuse
        return plan
    }
}
