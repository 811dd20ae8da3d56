import Foundation
import ScalpelData
import ScalpelNN
import ScalpelTuning

extension SweepRunner {
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
                           test: ExampleSet(streaming: target.test))
        return TuningSession(tuner: FineTuner(model: model, options: plan.options), data: data)
    }
}
