import Foundation
import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// A surgical run of one selection that can stop after any epoch and go on later, several of
/// them taking turns on one model (successive halving).
///
/// Its arithmetic is `FineTuner.run`'s with `FixedSelection`: restore θ⁰, train the selection
/// with a fresh optimizer of the session's options, shuffle with the generator derived from
/// (seed, stream 1), validate after every epoch, keep the best epoch's state (ties: the earlier),
/// evaluate test once at it; a non-finite loss or parameter stops the run as diverged. Between
/// turns it keeps the whole model state (parameters and BatchNorm buffers), the optimizer (its
/// moments are keyed by tensor name) and the generator, so a run trained to epoch 2, paused
/// and trained on to epoch 15 computes what an uninterrupted 15-epoch run computes.
final class ResumableRun {
    /// The candidate's name (its block).
    let name: String
    /// What it trains: its block and the session's `alwaysTrained`.
    let selection: Set<String>
    /// Index of the candidate among the method's candidates (ties go to the smaller).
    let order: Int
    let point: GridPoint
    let data: RunData
    private let optimizer: Optimizer
    private var rng: RandomGenerator
    private var state: [String: Tensor]?
    private(set) var records: [EpochRecord] = []
    private(set) var best: (epoch: Int, accuracy: Double, loss: Double, state: [String: Tensor])? = nil
    private(set) var status = RunStatus.done
    /// The run's divergence rule (the protocol's), kept across turns so the first loss is the run's first.
    private var divergence = DivergenceCheck()
    private(set) var forward = 0
    private(set) var backward = 0
    private(set) var seconds = 0.0

    init(name: String, selection: Set<String>, order: Int, point: GridPoint, session: TuningSession) {
        self.name = name
        self.selection = session.tuner.trained(selection)
        self.order = order
        self.point = point
        self.data = session.data(forTraining: selection)
        self.optimizer = session.tuner.options.makeOptimizer(learningRate: point.learningRate)
        self.rng = RandomGenerator.derived(seed: point.seed, stream: 1)
    }

    /// Epochs trained so far.
    var epochsTrained: Int { records.count }

    /// Ranking at a rung: best validation accuracy (higher first), then validation loss at that
    /// epoch (lower first), then candidate order; diverged runs last.
    static func ranksBefore(_ a: ResumableRun, _ b: ResumableRun) -> Bool {
        let ka = (a.status == .done ? 0 : 1, -(a.best?.accuracy ?? -1), a.best?.loss ?? .infinity, a.order)
        let kb = (b.status == .done ? 0 : 1, -(b.best?.accuracy ?? -1), b.best?.loss ?? .infinity, b.order)
        return ka < kb
    }

    /// Trains on until `epochs` epochs are done (nothing if already there or diverged).
    func train(to epochs: Int, in session: TuningSession) {
        guard status == .done, epochsTrained < epochs else { return }
        let started = Date()
        defer { seconds += Date().timeIntervalSince(started) }
        let model = session.model
        let options = session.tuner.options
        model.restore(state ?? session.tuner.base)
        model.freeze()
        model.unfreeze(selection)
        let blocks = data.startBlock..<model.blocks.count
        let backwardBlocks = model.blocks.count - session.tuner.firstTrainableBlock(selection)
        epochs: while epochsTrained < epochs {
            let epochStart = Date()
            guard let trainLoss = trainOneEpoch(model, on: data.tune, options: options, optimizer: optimizer, rng: &rng,
                                                divergence: &divergence,
                                                forwarded: { forward += $0 * blocks.count },
                                                stepped: { backward += $0 * backwardBlocks }) else {
                status = .diverged
                break epochs
            }
            if model.trainableParameters().contains(where: { $0.1.hasNonFinite }) { status = .diverged; break epochs }
            let validation = evaluate(model, on: data.validation)
            forward += data.validation.count * blocks.count
            guard !DivergenceCheck.evaluationLossDiverges(validation.loss) else { status = .diverged; break epochs }
            records.append(EpochRecord(epoch: epochsTrained + 1, trainLoss: trainLoss,
                                       validationAccuracy: validation.accuracy,
                                       trainableParameters: model.trainableParameterCount,
                                       seconds: Date().timeIntervalSince(epochStart), tensorWeights: nil))
            if best == nil || validation.accuracy > best!.accuracy {
                best = (epochsTrained, validation.accuracy, validation.loss, model.snapshot())
            }
        }
        state = status == .done ? model.snapshot() : nil
        model.zeroGrad()
    }

    /// The run's result: test evaluated once at the best epoch's state.
    func finish(in session: TuningSession) -> RunResult {
        let started = Date()
        var test: Metrics? = nil
        if let best {
            session.model.restore(best.state)
            test = evaluate(session.model, on: data.test)
            forward += data.test.count * (session.model.blocks.count - data.startBlock)
            if let loss = test?.loss, DivergenceCheck.evaluationLossDiverges(loss) { status = .diverged }
        }
        seconds += Date().timeIntervalSince(started)
        var result = RunResult(learningRate: point.learningRate, seed: point.seed, hyperparameter: point.hyperparameter,
                               status: status, epochs: records, bestEpoch: best?.epoch,
                               bestValidationAccuracy: best?.accuracy, test: test, seconds: seconds)
        result.selection = name
        return result
    }
}
