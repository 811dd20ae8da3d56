import Foundation
import Logging
import ScalpelData
import ScalpelNN
import ScalpelTuning

/// Runs a `SweepPlan` into a results database, resumably and shared with other sweeps: its
/// fine-tuning runs, then its test-time adaptation runs (`SweepRunner+Adaptation`).
///
/// Runs already finished in the database (by key) are skipped, so a killed sweep picks up where
/// it stopped. Before a run starts it is claimed in a transaction (`ResultsDatabase.claim`), so
/// sweeps on one database (on one machine, or on a shared file system) divide the runs between
/// them; a claim whose owner died is taken over, and a sweep that finds its last runs claimed
/// by live processes waits until they are recorded (`ClaimPolicy`). Each session (checkpoint ×
/// shift × target size) loads its data and model when its first run is claimed and shares one
/// `TuningSession`, so runs that freeze the same prefix share its activations; each run is
/// `FineTuningMethod.run(at:in:)` of its method and is recorded in one transaction (which also
/// deletes its claim) as soon as it ends. A session whose data or model fails to load records
/// its runs as `failed` with the message (the next sweep retries them).
///
/// Runs are shared between studies (`SweepRunner+Reuse`): a claimed run that a reuse database
/// holds finished is copied, not computed; and each run's session carries a `SweepBlockRuns`,
/// so Cross-Val's block runs are the `surgical:<block>` runs of this or another study.
public struct SweepRunner {
    /// The runs to do.
    public let plan: SweepPlan
    /// Where runs are recorded and claimed; finished runs in it are skipped.
    public let database: ResultsDatabase
    /// Told of progress (start, each run, notes, end); nil runs silently.
    public let observer: SweepObserver?
    /// The commit recorded with every run (default `ToolVersion.commit`).
    public var toolCommit = ToolVersion.commit
    /// Who this sweep claims runs as (this process, with a token of its own).
    public var owner = ClaimOwner.current()
    /// Heartbeat, staleness and polling of claims.
    public var claimPolicy = ClaimPolicy.standard
    /// Other studies' databases (opened with `ResultsDatabase(reusingFrom:sweepDatabase:)`) whose
    /// finished runs this sweep copies instead of computing them, in order of preference.
    public var reuseSources: [ResultsDatabase] = []
    /// Whether Cross-Val takes its block runs from, and records them as, `surgical:<block>` runs
    /// (on by default; off computes every block inside the Cross-Val run, as before).
    public var sharesBlockRuns = true

    /// A runner of `plan` into `database`, claiming as this process with the standard claim policy,
    /// no reuse databases and shared block runs; nothing runs until `run()`.
    public init(plan: SweepPlan, database: ResultsDatabase, observer: SweepObserver? = nil) {
        self.plan = plan
        self.database = database
        self.observer = observer
    }

    /// What a sweep did.
    public struct Outcome: Sendable, Equatable {
        /// Runs this sweep computed and recorded (failed and diverged included).
        public var ran = 0
        /// Runs already recorded when the sweep started.
        public var skipped = 0
        /// Runs (fine-tuning or adaptation) this sweep recorded as `failed`; the next sweep retries them.
        public var failed = 0
        /// Runs (fine-tuning or adaptation) this sweep recorded as `diverged`.
        public var diverged = 0
        /// Runs of the plan that other sweeps on the database recorded meanwhile.
        public var byOthers = 0
        /// Runs copied from a reuse database instead of computed (not counted in `ran`).
        public var reused = 0
        /// Cross-Val block runs (`surgical:<block>`) found recorded, here or in a reuse database.
        public var blockRunsFound = 0
        /// Cross-Val block runs computed and recorded as `surgical:<block>` runs of their own.
        public var blockRunsComputed = 0
    }

    /// What a sweep knows while it claims: the keys it needs no more (recorded, or claimed by
    /// it), the claims of live processes seen in the last pass, and its counts.
    struct Work {
        let since: Date
        var settled: Set<String>
        var held: [String: ClaimOwner] = [:]
        var outcome = Outcome()

        /// Whether the run with `key` is now this sweep's to compute.
        mutating func claim(_ key: String, _ kind: ClaimKind, in runner: SweepRunner) throws -> Bool {
            switch try runner.database.claim(key, kind: kind, owner: runner.owner, policy: runner.claimPolicy, attemptedSince: since) {
            case .finished:
                settled.insert(key)
                outcome.byOthers += 1
                return false
            case .held(let other):
                held[key] = other
                return false
            case .claimed(let previous):
                settled.insert(key)
                if let previous {
                    runner.observer?.note("taking over run \(key.prefix(12)) from \(previous) (gone or silent)", level: .warning)
                }
                return true
            }
        }

        mutating func count(_ status: RunRecord.Status) {
            outcome.ran += 1
            if status == .failed { outcome.failed += 1 }
            if status == .diverged { outcome.diverged += 1 }
        }
    }

    /// Runs every pending run, then every pending adaptation run, claiming each first; returns
    /// when every run of the plan is recorded (by this sweep or another). The counts cover both kinds.
    @discardableResult
    public func run() throws -> Outcome {
        let finished = try database.finishedKeys().union(database.finishedAdaptationKeys())
        try database.adoptComponents(Set(plan.runs.map(\.key)).intersection(finished))
        var work = Work(since: Date(), settled: finished)
        work.outcome.skipped = plan.runs.filter { finished.contains($0.key) }.count
            + plan.adaptationRuns.filter { finished.contains($0.key) }.count
        observer?.sweepStarted(total: plan.runs.count + plan.adaptationRuns.count - work.outcome.skipped,
                               skipped: work.outcome.skipped)
        let heartbeat = ClaimHeartbeat(database: database, owner: owner, interval: claimPolicy.heartbeatInterval)
        defer {
            heartbeat.stop()
            try? database.releaseClaims(of: owner)
        }
        var waitingFor: Set<String> = []
        while true {
            work.held = [:]
            for session in plan.sessions { try runClaimed(session, &work) }
            for session in plan.adaptations { try runClaimed(session, &work) }
            guard !work.held.isEmpty else { break }
            let owners = Set(work.held.values.map(\.description)).sorted()
            if Set(owners) != waitingFor {
                observer?.note("waiting for \(work.held.count) runs claimed by \(owners.joined(separator: ", "))", level: .info)
                waitingFor = Set(owners)
            }
            Thread.sleep(forTimeInterval: claimPolicy.pollInterval)
        }
        observer?.sweepFinished()
        return work.outcome
    }

    /// Runs the runs of one session that this sweep can claim, recording each.
    func runClaimed(_ plan: SessionPlan, _ work: inout Work) throws {
        var session: Result<TuningSession, Error>?
        var implementations: [MethodSpec: (FineTuningMethod, Int)] = [:]
        for run in plan.runs where !work.settled.contains(run.key) {
            guard try work.claim(run.key, .run, in: self) else { continue }
            if try copyReusable(run) {
                work.outcome.reused += 1
                continue
            }
            if session == nil {
                let left = plan.runs.filter { !work.settled.contains($0.key) }.count + 1
                observer?.note("preparing \(plan.label): \(left) runs", level: .info)
                session = Result { try makeSession(plan) }
                if case .failure(let error) = session { observer?.note("\(plan.label): \(error)", level: .error) }
            }
            let started = Date()
            var record: RunRecord
            var epochs: [EpochRow] = []
            var blockRuns: SweepBlockRuns?
            do {
                let session = try session!.get()
                if implementations[run.method] == nil {
                    let method = try run.method.method(for: session.model)
                    let trainable = method.candidates(in: session.model)
                    let count = session.model.namedParameters().filter { trainable.contains($0.0) }.reduce(0) { $0 + $1.1.count }
                    implementations[run.method] = (method, count)
                }
                let (method, trainable) = implementations[run.method]!
                if sharesBlockRuns {
                    blockRuns = SweepBlockRuns(for: run, runner: self, model: session.model, since: work.since)
                }
                session.blockRuns = blockRuns
                defer { session.blockRuns = nil }
                var result = method.run(at: run.identity.gridPoint, in: session)
                result.method = run.method.description
                record = RunRecord(planned: run, result: result, trainableParameters: trainable, startedAt: started,
                                   toolCommit: toolCommit)
                epochs = result.epochs.map { EpochRow(runKey: run.key, record: $0) }
            } catch {
                record = RunRecord(planned: run, status: .failed, message: "\(error)",
                                   seconds: Date().timeIntervalSince(started), startedAt: started, toolCommit: toolCommit)
            }
            if let blockRuns {
                if let failure = blockRuns.failure { throw failure }
                work.outcome.blockRunsFound += blockRuns.found
                work.outcome.blockRunsComputed += blockRuns.computed
                work.settled.formUnion(blockRuns.recordedKeys)
            }
            try database.record(record, epochs: epochs)
            observer?.runFinished(record)
            work.count(record.status)
        }
    }
}
