import ScalpelData
import ScalpelNN
import ScalpelTuning

/// One run of a sweep, planned: its identity, key and configuration.
public struct PlannedRun: Sendable {
    public let configuration: RunConfiguration
    public let key: String
    public let method: MethodSpec

    public var identity: RunIdentity { configuration.identity }
}

/// The runs that share one `TuningSession`: one checkpoint, shift and target size (the training
/// options are the experiment's), so runs with the same frozen prefix share its activations.
public struct SessionPlan: Sendable {
    public let checkpoint: CheckpointSource
    public let shift: ShiftSpec
    public let splitSizes: SplitSizes
    public let splitSeed: UInt64
    public let options: TrainingOptions
    public let runs: [PlannedRun]

    /// A short label for logs: `resnet26 fmnist-flip n=20`.
    public var label: String { "\(checkpoint.configuration.architecture) \(shift) n=\(splitSizes.tune)" }

    /// The same session with only the runs `keep` accepts.
    public func filter(_ keep: (PlannedRun) -> Bool) -> SessionPlan {
        SessionPlan(checkpoint: checkpoint, shift: shift, splitSizes: splitSizes, splitSeed: splitSeed, options: options,
                    runs: runs.filter(keep))
    }
}

/// The adaptation runs that share one test set: one checkpoint and shift (and the experiment's
/// split seed); each run takes the first `testSize` images of the target test split.
public struct AdaptationSessionPlan: Sendable {
    public let checkpoint: CheckpointSource
    public let shift: ShiftSpec
    public let splitSeed: UInt64
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
    public let name: String
    public let sessions: [SessionPlan]
    public let adaptations: [AdaptationSessionPlan]
    /// Where the data sets are read from.
    public let dataDirectory: String?
    /// The spec's `reuse` databases, resolved (the sweep opens them as `reuseSources`).
    public var reuse: [String] = []

    public init(name: String, sessions: [SessionPlan], adaptations: [AdaptationSessionPlan] = [], dataDirectory: String?) {
        self.name = name
        self.sessions = sessions
        self.adaptations = adaptations
        self.dataDirectory = dataDirectory
    }

    public var runs: [PlannedRun] { sessions.flatMap(\.runs) }

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
