import Foundation
import ScalpelAdaptation
import ScalpelData
import ScalpelNN

extension SweepRunner {
    /// Runs the adaptation runs of one session (a checkpoint and a shift) that this sweep can
    /// claim, recording each in one transaction with its curve as soon as it ends.
    ///
    /// The shift's data is loaded when the first run is claimed. Every run starts from the
    /// checkpoint loaded afresh (an online run changes the model), takes the first `testSize`
    /// images of the target test split, and is `AdaptationRun.run`, so it computes what
    /// `scalpel adapt` computes for the same identity. The baselines (no adaptation, prior only)
    /// depend only on the test set and the prior, so runs sharing them measure them once. A
    /// session whose data does not load, or does not fit the checkpoint, records its runs as
    /// `failed` with the message.
    func runClaimed(_ session: AdaptationSessionPlan, _ work: inout Work) throws {
        var test: Result<ImageSet, Error>?
        var baselines: [String: AdaptationBaselines] = [:]
        var layoutRecorded = false
        for run in session.runs where !work.settled.contains(run.key) {
            guard try work.claim(run.key, .adaptation, in: self) else { continue }
            if test == nil {
                observer?.note("preparing \(session.label)", level: .info)
                test = Result { try loadTestImages(session) }
                if case .failure(let error) = test { observer?.note("\(session.label): \(error)", level: .error) }
            }
            let started = Date()
            let id = run.identity
            var record: AdaptationRunRecord
            var curve: [AdaptationCurveRow] = []
            var layout: ModelRecord?
            do {
                let test = try test!.get()
                let model = try session.checkpoint.loadModel()
                if !layoutRecorded {
                    layout = ModelRecord(checkpointSHA256: session.checkpoint.sha256, checkpoint: session.checkpoint.path, model: model)
                }
                let images = test.subset(Array(0..<min(id.testSize, test.count)))
                let baselineKey = "\(id.testSize) \(id.settings.method) \(id.settings.priorStrength.map { "\($0)" } ?? "inf")"
                let outcome = try AdaptationRun.run(model, on: images, settings: id.settings, seed: id.seed,
                                                    every: run.configuration.every, baselines: baselines[baselineKey])
                baselines[baselineKey] = outcome.baselines
                record = AdaptationRunRecord(planned: run, outcome: outcome, startedAt: started, toolCommit: toolCommit)
                curve = AdaptationCurveRow.rows(runKey: run.key, outcome: outcome)
            } catch {
                record = AdaptationRunRecord(planned: run, failure: "\(error)", seconds: Date().timeIntervalSince(started),
                                             startedAt: started, toolCommit: toolCommit)
            }
            try database.record(record, curve: curve, model: layout)
            layoutRecorded = layoutRecorded || layout != nil
            observer?.adaptationFinished(record)
            work.count(record.status)
        }
    }

    /// The shift's target test split (default split sizes, the session's split seed), checked
    /// against the checkpoint's model (`CheckpointSource.checkFits`).
    func loadTestImages(_ session: AdaptationSessionPlan) throws -> ImageSet {
        let data = try session.checkpoint.materialize(session.shift, options: ShiftOptions(
            store: DataStore(directory: plan.dataDirectory), seed: session.splitSeed))
        let test = data.target.test
        try session.checkpoint.checkFits(test, of: session.shift)
        return test
    }
}
