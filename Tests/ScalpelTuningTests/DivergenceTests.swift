import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// A run is diverged when any training, validation or test loss is not finite, or the training
/// loss explodes past `DivergenceCheck.lossGrowthLimit` × max(first loss, 1); diverged runs are
/// never chosen.
@Suite struct DivergenceTests {
    @Test func trainingLossRule() {
        var check = DivergenceCheck()
        let verdicts = [2.0, 199.9, 200.1, 1e10, .nan, .infinity].map { check.trainingLossDiverges($0) }
        #expect(verdicts == [false, false, true, true, true, true])
        #expect(check.firstLoss == 2.0)

        var nearlyPerfect = DivergenceCheck()
        let small = [0.001, 0.5, 100.5].map { nearlyPerfect.trainingLossDiverges($0) }
        #expect(small == [false, false, true], "the floor of 1 keeps an ordinary loss from counting")
        #expect(DivergenceCheck.evaluationLossDiverges(.nan) && DivergenceCheck.evaluationLossDiverges(-.infinity))
        #expect(!DivergenceCheck.evaluationLossDiverges(1e30))
    }

    /// The quadrant task as features entering the last block (global pooling, then `fc`): a NaN
    /// feature reaches the logits (no ReLU in between turns it into 0).
    func features(_ data: RunData, of model: CIFARResNet) -> RunData {
        let last = model.blocks.count - 1
        func lift(_ set: ExampleSet) -> ExampleSet {
            ExampleSet(inputs: withNoGrad { model.forward(blocks: 0..<last, set.inputs) }, labels: set.labels,
                       startBlock: last)
        }
        return RunData(tune: lift(data.tune), validation: lift(data.validation), test: lift(data.test))
    }

    /// Examples like `set` but with the first value NaN (one example's loss is NaN).
    func poisoned(_ set: ExampleSet) -> ExampleSet {
        var values = set.inputs.toArray()
        values[0] = .nan
        return ExampleSet(inputs: Tensor(shape: set.inputs.shape, data: values), labels: set.labels,
                          startBlock: set.startBlock)
    }

    /// Trains `fc` of a small ResNet on `edit`ed features of the quadrant task.
    func run(_ edit: (RunData) -> RunData) -> RunResult {
        let model = smallResNet()
        model.eval()
        let data = edit(features(quadrantData(), of: model))
        let tuner = FineTuner(model: model, options: TrainingOptions(epochs: 2, batchSize: 8))
        return tuner.run(selection: ["fc.weight", "fc.bias"], learningRate: 1e-2, seed: 0, data: data)
    }

    @Test func nanValidationLossIsDivergedAndNeverChosen() throws {
        let fine = run { $0 }
        #expect(fine.status == .done && fine.test?.loss.isFinite == true)
        let bad = run { RunData(tune: $0.tune, validation: poisoned($0.validation), test: $0.test) }
        #expect(bad.status == .diverged)
        #expect(StudyResult.choose([bad]) == nil)
    }

    @Test func nanTestLossIsDivergedAndNeverChosen() throws {
        let bad = run { RunData(tune: $0.tune, validation: $0.validation, test: poisoned($0.test)) }
        #expect(bad.status == .diverged)
        #expect(bad.bestValidationAccuracy != nil, "validation was fine; only the test loss is NaN")
        #expect(StudyResult.choose([bad]) == nil)
    }

    /// Sets `weights` as learning-rate multipliers as Auto-RGN does, and records them.
    struct ScalePolicy: EpochPolicy {
        let weights: [String: Double]
        mutating func beforeEpoch(_ epoch: Int, context: EpochContext) -> [String: Double]? {
            let set = context.setLearningRateScale(weights)
            #expect(set == EpochContext.areLearningRateScales(weights))
            #expect(context.optimizer.learningRateScale == (set ? weights.mapValues { Float($0) } : [:]))
            return weights
        }
    }

    /// Auto-RGN's weights from an infinite relative gradient norm (either variant) are not finite:
    /// they are not set on the optimizer (which would trap) and the run is diverged, before any
    /// epoch is trained; finite weights train as usual.
    @Test func nonFiniteLearningRateWeightsMakeADivergedRunNotATrap() {
        let rgn = ["fc.weight": 0.5, "fc.bias": .infinity]
        for variant in [AutoRGN.Variant.paper, .authors] {
            #expect(!EpochContext.areLearningRateScales(AutoRGN.weights(rgn, variant: variant)), "\(variant)")
        }
        #expect(!EpochContext.areLearningRateScales(["a": -0.5]) && !EpochContext.areLearningRateScales(["a": 1e300]))
        func run(_ weights: [String: Double]) -> RunResult {
            let model = smallResNet()
            model.eval()
            let data = features(quadrantData(), of: model)
            let tuner = FineTuner(model: model, options: TrainingOptions(epochs: 2, batchSize: 8))
            return tuner.run(selection: ["fc.weight", "fc.bias"], learningRate: 1e-2, seed: 0, data: data,
                             policy: ScalePolicy(weights: weights))
        }
        let bad = run(AutoRGN.weights(rgn, variant: .paper))
        #expect(bad.status == .diverged && bad.epochs.isEmpty && bad.bestEpoch == nil)
        let fine = run(AutoRGN.weights(["fc.weight": 0.5, "fc.bias": 2], variant: .paper))
        #expect(fine.status == .done && fine.epochs.count == 2)
        #expect(fine.epochs[0].tensorWeights == ["fc.weight": 0, "fc.bias": 1])
    }

    /// Auto-RGN on tuning data with a NaN: its probe gradients are NaN; the run is diverged, not a trap.
    @Test func autoRGNOnANaNExampleIsDiverged() {
        for variant in [AutoRGN.Variant.paper, .authors] {
            let model = smallResNet()
            model.eval()
            let clean = features(quadrantData(), of: model)
            let data = RunData(tune: poisoned(clean.tune), validation: clean.validation, test: clean.test)
            let tuner = FineTuner(model: model, options: TrainingOptions(epochs: 2, batchSize: 8))
            let result = tuner.run(selection: ["fc.weight", "fc.bias"], learningRate: 1e-2, seed: 0, data: data,
                                   policy: AutoRGN.Policy(variant: variant))
            #expect(result.status == .diverged, "\(variant)")
        }
    }
}
