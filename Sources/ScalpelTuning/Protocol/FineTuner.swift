import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// The target data of a run: tune (train on), validation (early stopping) and test (report).
/// All three start at the same model block (0 for images; later when a frozen prefix was cached).
public struct RunData {
    /// Examples trained on.
    public let tune: ExampleSet
    /// Examples whose accuracy after every epoch picks the best epoch.
    public let validation: ExampleSet
    /// Examples evaluated once, at the best epoch.
    public let test: ExampleSet

    /// Run data from three sets; traps unless all three start at the same block.
    public init(tune: ExampleSet, validation: ExampleSet, test: ExampleSet) {
        precondition(tune.startBlock == validation.startBlock && tune.startBlock == test.startBlock,
                     "RunData: the three sets must start at the same block")
        self.tune = tune
        self.validation = validation
        self.test = test
    }

    /// The block all three sets start at.
    public var startBlock: Int { tune.startBlock }
}

/// Runs the paper's fine-tuning loop on a model from its pre-trained state.
///
/// One run: restore θ⁰, make the selection trainable, train for `epochs` with the optimizer,
/// evaluate target validation accuracy after every epoch, keep the state of the best epoch,
/// and evaluate the test set once at that state (the paper's early stopping; the authors'
/// code evaluates test every epoch and reads it at the best validation epoch — the same number).
///
/// `alwaysTrained` names parameters that every run trains besides its method's selection, at
/// the full learning rate, whatever the method's policy freezes or reweights: a freshly
/// initialised classification head (`PretrainedModel.withNewHead`), which has nothing
/// pre-trained to keep. Surgical `block2` then trains block2 and the head; Cross-Val and
/// successive halving train the head with every candidate block.
public struct FineTuner {
    /// The model that runs train; every run restores `base` first and leaves the best epoch's state.
    public let model: BlockModel
    /// The pre-trained state θ⁰ (parameters and buffers).
    public let base: [String: Tensor]
    /// Epochs, batch size, optimizer, weight decay, BatchNorm policy and augmentation of every run.
    public let options: TrainingOptions
    /// Parameters trained in every run in addition to the method's selection (a new head).
    public let alwaysTrained: Set<String>

    /// Every name in `alwaysTrained` must be a parameter of `model` (a precondition: the caller
    /// takes them from the model it built).
    public init(model: BlockModel, base: [String: Tensor]? = nil, options: TrainingOptions,
                alwaysTrained: Set<String> = []) {
        let names = Set(model.namedParameters().map(\.0))
        precondition(alwaysTrained.isSubset(of: names),
                     "FineTuner: alwaysTrained names \(alwaysTrained.subtracting(names).sorted()) are not parameters of the model")
        self.model = model
        self.base = base ?? model.snapshot()
        self.options = options
        self.alwaysTrained = alwaysTrained
    }

    /// What a run of a method that selects `selection` trains: the selection and `alwaysTrained`.
    public func trained(_ selection: Set<String>) -> Set<String> { selection.union(alwaysTrained) }

    /// The first block that holds a parameter a run of `selection` trains (with `alwaysTrained`):
    /// every block before it is frozen.
    public func firstTrainableBlock(_ selection: Set<String>) -> Int {
        let trained = trained(selection)
        return model.blocks.firstIndex { b in trained.contains { b.contains($0) } } ?? model.blocks.count
    }

    /// Undoes what an epoch policy did to `alwaysTrained`: trainable, at the full learning rate
    /// (recorded weight 1).
    func keepAlwaysTrained(optimizer: Optimizer, weights: inout [String: Double]?) {
        guard !alwaysTrained.isEmpty else { return }
        model.unfreeze(alwaysTrained)
        for name in alwaysTrained {
            optimizer.learningRateScale[name] = nil
            if weights != nil { weights![name] = 1 }
        }
    }

    /// Whether the activations of blocks before `block` are a fixed function of the input
    /// during fine-tuning, so they can be computed once: they hold no trainable parameter (by
    /// construction), BatchNorm keeps its running statistics, and inputs are not augmented.
    public func prefixIsCacheable(upTo block: Int) -> Bool {
        block > 0 && options.batchNorm == .frozen && !options.augment
    }

    /// One run at `learningRate` and `seed`, training the parameters in `selection` (and
    /// `alwaysTrained`). On return the model holds the state of the best epoch.
    public func run(selection: Set<String>, learningRate: Float, seed: UInt64, data: RunData,
                    policy: EpochPolicy = FixedSelection(), hyperparameter: Double? = nil) -> RunResult {
        let started = Date()
        let selection = trained(selection)
        var policy = policy
        model.restore(base)
        model.freeze()
        model.unfreeze(selection)
        precondition(data.startBlock <= firstTrainableBlock(selection),
                     "FineTuner: data starts at block \(data.startBlock) but the selection trains earlier blocks")
        let optimizer = options.makeOptimizer(learningRate: learningRate)
        var rng = RandomGenerator.derived(seed: seed, stream: 1)
        var records: [EpochRecord] = []
        var best: (epoch: Int, accuracy: Double, state: [String: Tensor])? = nil
        var status = RunStatus.done
        var divergence = DivergenceCheck()

        epochs: for epoch in 1...max(options.epochs, 1) {
            let epochStart = Date()
            let context = EpochContext(model: model, optimizer: optimizer, tune: data.tune, options: options,
                                       candidates: selection, seed: seed &+ UInt64(epoch))
            var weights = policy.beforeEpoch(epoch, context: context)
            // Weights that are not finite were measured from a gradient or parameter that was not.
            if let w = weights, !EpochContext.areLearningRateScales(w) { status = .diverged; break epochs }
            keepAlwaysTrained(optimizer: optimizer, weights: &weights)
            guard let trainLoss = trainOneEpoch(model, on: data.tune, options: options, optimizer: optimizer, rng: &rng,
                                                divergence: &divergence, regularizer: policy.regularizer) else {
                status = .diverged
                break epochs
            }
            if model.trainableParameters().contains(where: { $0.1.hasNonFinite }) { status = .diverged; break epochs }
            let validationMetrics = evaluate(model, on: data.validation)
            guard !DivergenceCheck.evaluationLossDiverges(validationMetrics.loss) else { status = .diverged; break epochs }
            let validation = validationMetrics.accuracy
            records.append(EpochRecord(epoch: epoch, trainLoss: trainLoss,
                                       validationAccuracy: validation,
                                       trainableParameters: model.trainableParameterCount,
                                       seconds: Date().timeIntervalSince(epochStart), tensorWeights: weights))
            if best == nil || validation > best!.accuracy { best = (epoch, validation, model.snapshot()) }
        }

        var test: Metrics? = nil
        if let best {
            model.restore(best.state)
            test = evaluate(model, on: data.test)
            if let loss = test?.loss, DivergenceCheck.evaluationLossDiverges(loss) { status = .diverged }
        }
        model.zeroGrad()
        return RunResult(learningRate: learningRate, seed: seed, hyperparameter: hyperparameter, status: status,
                         epochs: records, bestEpoch: best?.epoch, bestValidationAccuracy: best?.accuracy, test: test,
                         seconds: Date().timeIntervalSince(started))
    }
}
