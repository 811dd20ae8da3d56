import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// MEMO settings: B augmentations, K steps, the optimizer, BatchNorm's prior, the mode.
public struct MEMOConfiguration: Sendable, Codable, Equatable {
    /// B, augmented copies of each test image per step.
    public var augmentations: Int
    /// K, gradient steps per test image.
    public var steps: Int
    /// The optimizer of the selected tensors (rebuilt with empty state whenever MEMO resets).
    public var optimizer: AdaptationOptimizer
    /// BatchNorm prior strength N (nil: plain evaluation mode); see `TestTimeNormalization`.
    public var priorStrength: Float?
    /// Episodic (restore θ⁰ after every image) or online (updates accumulate).
    public var mode: AdaptationMode
    /// How the B augmented copies count in the prior while adapting (w = 1 or w = B; see
    /// `PriorCounting`). No effect without a finite prior.
    public var priorCounts: PriorCounting

    /// MEMO settings; the defaults are B = 32, K = 1, SGD (`sgdDefault`), prior N = 16, episodic, and the
    /// augmented batch counted as one image. `MEMO.init` checks that B and K are positive.
    public init(augmentations: Int = 32, steps: Int = 1, optimizer: AdaptationOptimizer = .sgdDefault,
                priorStrength: Float? = 16, mode: AdaptationMode = .episodic,
                priorCounts: PriorCounting = .augmentedBatchAsOneImage) {
        self.augmentations = augmentations
        self.steps = steps
        self.optimizer = optimizer
        self.priorStrength = priorStrength
        self.mode = mode
        self.priorCounts = priorCounts
    }

    /// BatchNorm's normalization while adapting on the B copies: prior
    /// `priorCounts.adaptationPrior(strength: N, augmentations: B)`, so that
    /// μ = (N·μ_source + w·μ_batch)/(N + w) with w = 1 or B.
    public var adaptationNormalization: TestTimeNormalization {
        guard let n = priorStrength, n.isFinite else { return .running }
        return TestTimeNormalization(priorStrength: priorCounts.adaptationPrior(strength: n, augmentations: augmentations))
    }

    /// BatchNorm's normalization while predicting the un-augmented image: prior N (w = 1).
    public var predictionNormalization: TestTimeNormalization { TestTimeNormalization(priorStrength: priorStrength) }
}

/// MEMO, test-time adaptation by marginal entropy minimization (Zhang, Levine & Finn 2021),
/// restricted to a selection of parameters as in the paper's Section 2.2 (Tables 2-3, A.6).
///
/// For each test image x, in order:
///  1. draw B augmentations a_b(x) (random crop, then AugMix: `MEMO.standardAugmentation`);
///  2. K times: loss = H(p̄) with p̄ = (1/B) Σ_b softmax(f(a_b(x); θ)) (`marginalEntropy`),
///     one optimizer step on the selected tensors θ_S (all others frozen);
///  3. predict argmax f(x; θ) on the un-augmented image;
///  4. episodic: restore θ⁰ (parameters and BatchNorm statistics) and a fresh optimizer;
///     online: keep θ and the optimizer state for the next image.
/// BatchNorm normalizes with prior N in step 3 and, in step 2, with the B copies weighted as one
/// image or as B images (`MEMOConfiguration.priorCounts`, `PriorCounting`).
public final class MEMO {
    /// The adapted model; its state at `init` is θ⁰, restored by `reset()`.
    public let model: BlockModel
    /// Names of the parameters that adapt.
    public let selection: Set<String>
    /// The settings this adapter runs with.
    public let configuration: MEMOConfiguration
    /// The random augmentation drawn B times per test image.
    public let augmentation: any ImageAugmentation
    private let pretrained: [String: Tensor]
    private let trainable: [(String, Tensor)]
    private var optimizer: Optimizer
    private var rng: RandomGenerator

    /// A random crop after 2-pixel zero padding, then AugMix (severity 3, width 3): MEMO's
    /// CIFAR augmentation set, without flips (they change the meaning of some classes here).
    public static let standardAugmentation = augmentation(severity: 3)

    /// The standard set at another AugMix severity (1...10; lower is milder).
    public static func augmentation(severity: Int) -> any ImageAugmentation {
        ComposedAugmentation([RandomCrop(padding: 2), AugMix(severity: severity)])
    }

    /// Prepares `model` (its current state is θ⁰) to adapt the parameters named in `selection`.
    public init(model: BlockModel, selection: Set<String>, configuration: MEMOConfiguration,
                augmentation: any ImageAugmentation = MEMO.standardAugmentation, seed: UInt64 = 0) throws {
        guard configuration.augmentations > 0 else { throw AdaptationError.notPositive("augmentations", configuration.augmentations) }
        guard configuration.steps > 0 else { throw AdaptationError.notPositive("steps", configuration.steps) }
        let named = model.namedParameters()
        trainable = named.filter { selection.contains($0.0) }
        guard !trainable.isEmpty else { throw AdaptationError.nothingToTrain("MEMO: the selection names no parameter of the model") }
        self.model = model
        self.selection = Set(trainable.map(\.0))
        self.configuration = configuration
        self.augmentation = augmentation
        pretrained = model.snapshot()
        optimizer = configuration.optimizer.make()
        rng = RandomGenerator.derived(seed: seed, stream: 31)
        model.freeze()
        model.unfreeze(self.selection)
    }

    /// Restores θ⁰ (parameters and buffers) and starts a fresh optimizer.
    public func reset() {
        model.restore(pretrained)
        optimizer = configuration.optimizer.make()
    }

    /// Adapts on `image` (steps 1-2), predicts it (step 3) and resets when episodic (step 4).
    /// Returns the predicted class, the logits and the loss of the last adaptation step.
    public func adaptAndPredict(_ image: Image) -> (prediction: Int, logits: [Float], loss: Float) {
        model.setTestTimeNormalization(configuration.adaptationNormalization)
        let augmented = (0..<configuration.augmentations).map { _ in augmentation.apply(image, rng: &rng) }
        let batch = Tensor(shape: [augmented.count, image.channels, image.height, image.width],
                           data: augmented.flatMap(\.pixels))
        var loss: Float = .nan
        for _ in 0..<configuration.steps {
            let objective = marginalEntropy(logits: model(batch))
            loss = objective.item
            model.zeroGrad()
            objective.backward()
            optimizer.step(trainable)
        }
        model.zeroGrad()
        model.setTestTimeNormalization(configuration.predictionNormalization)
        let x = Tensor(shape: [1, image.channels, image.height, image.width], data: image.pixels)
        let logits = withNoGrad { model(x) }
        if configuration.mode == .episodic { reset() }
        return (logits.argmax(axis: 1)[0], logits.toArray(), loss)
    }

    /// Adapts over `set` image by image, in order; a curve point every `every` images.
    /// `progress(seen, cumulativeAccuracy)` is called after every image.
    public func run(_ set: ImageSet, every: Int = 100,
                    progress: ((Int, Double) -> Void)? = nil) throws -> AdaptationResult {
        guard set.count > 0 else { throw AdaptationError.emptyTestSet }
        let started = Date()
        var predictions: [Int] = []
        var lossSum = 0.0, hits = 0
        for i in 0..<set.count {
            let (prediction, _, loss) = adaptAndPredict(set.image(i))
            predictions.append(prediction)
            lossSum += Double(loss)
            if prediction == set.labels[i] { hits += 1 }
            progress?(i + 1, Double(hits) / Double(i + 1))
        }
        return AdaptationResult(predictions: predictions, labels: set.labels, every: every,
                                meanLoss: lossSum / Double(set.count), seconds: Date().timeIntervalSince(started))
    }
}
