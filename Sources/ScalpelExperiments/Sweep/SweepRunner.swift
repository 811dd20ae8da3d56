import Foundation
import Logging
import ScalpelData
import ScalpelNN
import ScalpelTuning

/// Runs a `SweepPlan` into a results database, resumably: its fine-tuning runs, then its
/// test-time adaptation runs (`SweepRunner+Adaptation`).
///
/// Runs already finished in the database (by key) are skipped, so a killed sweep picks up where
/// it stopped. Each session (checkpoint × shift × target size) loads its data and model once and
/// shares one `TuningSession`, so runs that freeze the same prefix share its activations; each
/// run is `FineTuningMethod.run(at:in:)` of its method and is recorded in one transaction as
/// soon as it ends. A session whose data or model fails to load records its runs as `failed`
/// with the message (the next sweep retries them).
public struct SweepRunner {
    public let plan: SweepPlan
    public let database: ResultsDatabase
    public let observer: SweepObserver?
    public var toolCommit = ToolVersion.commit

    public init(plan: SweepPlan, database: ResultsDatabase, observer: SweepObserver? = nil) {
        self.plan = plan
        self.database = database
        self.observer = observer
    }

    /// What a sweep did.
    public struct Outcome: Sendable, Equatable {
        public var ran = 0
        public var skipped = 0
        public var failed = 0
        public var diverged = 0
    }

    /// Runs every pending run, then every pending adaptation run; the counts cover both kinds.
    @discardableResult
    public func run() throws -> Outcome {
        let finished = try database.finishedKeys()
        let finishedAdaptations = try database.finishedAdaptationKeys()
        var outcome = Outcome()
        outcome.skipped = plan.runs.filter { finished.contains($0.key) }.count
            + plan.adaptationRuns.filter { finishedAdaptations.contains($0.key) }.count
        observer?.sweepStarted(total: plan.runs.count + plan.adaptationRuns.count - outcome.skipped, skipped: outcome.skipped)
        func count(_ status: RunRecord.Status) {
            outcome.ran += 1
            if status == .failed { outcome.failed += 1 }
            if status == .diverged { outcome.diverged += 1 }
        }
        for session in plan.sessions {
            let pending = session.filter { !finished.contains($0.key) }
            guard !pending.runs.isEmpty else { continue }
            for record in try run(pending) { count(record.status) }
        }
        for session in plan.adaptations {
            let pending = session.filter { !finishedAdaptations.contains($0.key) }
            guard !pending.runs.isEmpty else { continue }
            for record in try run(pending) { count(record.status) }
        }
        observer?.sweepFinished()
        return outcome
    }

    /// Runs the runs of one session, recording each; returns their records.
    func run(_ plan: SessionPlan) throws -> [RunRecord] {
        observer?.note("preparing \(plan.label): \(plan.runs.count) runs", level: .info)
        let setupStarted = Date()
        let session: TuningSession
        do {
            session = try makeSession(plan)
        } catch {
            observer?.note("\(plan.label): \(error)", level: .error)
            return try plan.runs.map { run in
                let record = RunRecord(planned: run, status: .failed, message: "\(error)",
                                       seconds: Date().timeIntervalSince(setupStarted), startedAt: setupStarted,
                                       toolCommit: toolCommit)
                try database.record(record, epochs: [])
                observer?.runFinished(record)
                return record
            }
        }
        var implementations: [MethodSpec: (FineTuningMethod, Int)] = [:]
        var records: [RunRecord] = []
        for run in plan.runs {
            let started = Date()
            let record: RunRecord
            var epochs: [EpochRow] = []
            do {
                if implementations[run.method] == nil {
                    let method = try run.method.method(for: session.model)
                    let trainable = method.candidates(in: session.model)
                    let count = session.model.namedParameters().filter { trainable.contains($0.0) }.reduce(0) { $0 + $1.1.count }
                    implementations[run.method] = (method, count)
                }
                let (method, trainable) = implementations[run.method]!
                var result = method.run(at: run.identity.gridPoint, in: session)
                result.method = run.method.description
                record = RunRecord(planned: run, result: result, trainableParameters: trainable, startedAt: started,
                                   toolCommit: toolCommit)
                epochs = result.epochs.map { EpochRow(runKey: run.key, record: $0) }
            } catch {
                record = RunRecord(planned: run, status: .failed, message: "\(error)",
                                   seconds: Date().timeIntervalSince(started), startedAt: started, toolCommit: toolCommit)
            }
            try database.record(record, epochs: epochs)
            observer?.runFinished(record)
            records.append(record)
        }
        return records
    }

    /// The target data, the model with the checkpoint's weights, and the session around them.
    func makeSession(_ plan: SessionPlan) throws -> TuningSession {
        let shift = try plan.shift.materialize(ShiftOptions(store: DataStore(directory: self.plan.dataDirectory),
                                                            seed: plan.splitSeed, splitSizes: plan.splitSizes))
        let model = try plan.checkpoint.loadModel()
        let config = plan.checkpoint.configuration
        let target = shift.target
        guard target.tune.channels == config.inChannels else {
            throw ResultsDatabaseError("\(plan.shift) has \(target.tune.channels)-channel images; the checkpoint " +
                                       "'\(plan.checkpoint.path)' expects \(config.inChannels)")
        }
        guard target.tune.classCount == config.classes else {
            throw ResultsDatabaseError("\(plan.shift) has \(target.tune.classCount) classes; the checkpoint " +
                                       "'\(plan.checkpoint.path)' has \(config.classes) outputs")
        }
        try database.record(ModelRecord(checkpointSHA256: plan.checkpoint.sha256, checkpoint: plan.checkpoint.path, model: model))
        let data = RunData(tune: ExampleSet(target.tune), validation: ExampleSet(target.validation),
                           test: ExampleSet(target.test))
        return TuningSession(tuner: FineTuner(model: model, options: plan.options), data: data)
    }
}
