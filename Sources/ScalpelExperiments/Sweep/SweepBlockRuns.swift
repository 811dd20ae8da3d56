import Foundation
import ScalpelNN
import ScalpelTuning

/// Cross-Val's block runs in a sweep (`BlockRunStore`): the run of block b at a grid point is the
/// run `surgical:b` with the identity of the sweep's run otherwise (checkpoint, shift, sizes,
/// split, options; the grid point's learning rate, hyperparameter and seed), so studies share
/// them: the per-block study's `surgical:block1` runs are Cross-Val's block1 runs.
///
/// A block run is looked up in the sweep's database, then in its reuse databases (taken as they
/// are, not copied); a missing one is claimed like any run (a claim a live process holds is
/// computed anyway, the same result), computed by the caller and recorded in the database as a
/// `surgical:b` run of its own, marked `componentOf` the method. A block whose name does not
/// round-trip through a selection (it would not name the same parameters) is computed and not
/// shared. Database errors are kept in `failure` for the runner to throw after the run.
final class SweepBlockRuns: BlockRunStore {
    let run: PlannedRun
    let runner: SweepRunner
    let model: BlockModel
    let since: Date
    /// Block runs found recorded (in the database or a reuse database).
    private(set) var found = 0
    /// Block runs computed and recorded.
    private(set) var computed = 0
    /// Keys of the block runs recorded in the database.
    private(set) var recordedKeys: Set<String> = []
    private(set) var failure: Error?
    private var started: [String: Date] = [:]

    init(for run: PlannedRun, runner: SweepRunner, model: BlockModel, since: Date) {
        self.run = run
        self.runner = runner
        self.model = model
        self.since = since
    }

    /// The planned run `surgical:block` at `point`; nil when `block` is not shareable.
    func planned(_ block: String, at point: GridPoint) -> PlannedRun? {
        guard let owner = model.blocks.first(where: { $0.name == block }),
              let spec = try? MethodSpec(parsing: "surgical:\(block)"),
              let names = try? Selection(parsing: block).parameterNames(in: model),
              names == Set(model.namedParameters().map(\.0).filter(owner.contains))
        else { return nil }
        var identity = run.identity
        identity.method = spec.description
        identity.learningRate = point.learningRate
        identity.hyperparameter = point.hyperparameter
        identity.seed = point.seed
        let configuration = RunConfiguration(identity: identity, experiment: run.configuration.experiment,
                                             checkpointPath: run.configuration.checkpointPath,
                                             shiftLabel: run.configuration.shiftLabel, hyperparameterName: nil,
                                             componentOf: run.method.description)
        return PlannedRun(configuration: configuration, key: identity.key, method: spec)
    }

    func recordedRun(ofBlock block: String, at point: GridPoint) -> RunResult? {
        guard failure == nil, let planned = planned(block, at: point) else { return nil }
        do {
            if let hit = try lookUp(planned) { return hit }
            switch try runner.database.claim(planned.key, kind: .run, owner: runner.owner, policy: runner.claimPolicy,
                                             attemptedSince: since) {
            case .finished:
                if let hit = try lookUp(planned) { return hit }
            case .held(let other):
                runner.observer?.note("\(planned.configuration.shiftLabel) \(planned.method) lr=\(point.learningRate) " +
                                      "seed \(point.seed): claimed by \(other); computing it for cross-val too", level: .info)
            case .claimed:
                break
            }
            started[planned.key] = Date()
        } catch {
            failure = error
        }
        return nil
    }

    /// The finished run of `planned` in the database or a reuse database, decoded.
    private func lookUp(_ planned: PlannedRun) throws -> RunResult? {
        let databases = [runner.database] + runner.reuseSources
        for database in databases {
            guard let record = try database.finishedRun(key: planned.key)?.run, let result = record.decodedResult() else { continue }
            found += 1
            if database !== runner.database {
                runner.observer?.note("cross-val: \(record.label) taken from \(database.path)", level: .debug)
            }
            return result
        }
        return nil
    }

    func record(_ result: RunResult, ofBlock block: String, at point: GridPoint) {
        guard failure == nil, let planned = planned(block, at: point) else { return }
        var result = result
        result.method = planned.method.description
        let names = (try? Selection(parsing: block).parameterNames(in: model)) ?? []
        let trainable = model.namedParameters().filter { names.contains($0.0) }.reduce(0) { $0 + $1.1.count }
        let record = RunRecord(planned: planned, result: result, trainableParameters: trainable,
                               startedAt: started[planned.key] ?? Date(), toolCommit: runner.toolCommit)
        do {
            try runner.database.record(record, epochs: result.epochs.map { EpochRow(runKey: planned.key, record: $0) })
            computed += 1
            recordedKeys.insert(planned.key)
            runner.observer?.note("cross-val: recorded \(record.label)", level: .info)
        } catch {
            failure = error
        }
    }
}
