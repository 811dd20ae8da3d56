import Foundation
import ScalpelData
import ScalpelNN
import ScalpelTuning

extension SweepRunner {
    /// The target data, the model with the checkpoint's weights, and the session around them.
    func makeSession(_ plan: SessionPlan) throws -> TuningSession {
        let shift = try plan.checkpoint.materialize(plan.shift, options: ShiftOptions(
            store: DataStore(directory: self.plan.dataDirectory), seed: plan.splitSeed, splitSizes: plan.splitSizes))
        let target = shift.target
        try plan.checkpoint.checkFits(target.tune, of: plan.shift)
        let model = try plan.checkpoint.loadModel()
        try database.record(ModelRecord(checkpointSHA256: plan.checkpoint.sha256, checkpoint: plan.checkpoint.path, model: model))
        let data = RunData(tune: ExampleSet(target.tune), validation: ExampleSet(target.validation),
                           test: ExampleSet(streaming: target.test))
        return TuningSession(tuner: FineTuner(model: model, options: plan.options), data: data)
    }
}
