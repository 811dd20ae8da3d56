import ScalpelNN
import ScalpelOptim

/// The optimizer of a fine-tuning run.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case adam, adamw, sgd
}

/// The per-run hyperparameters of the fine-tuning protocol (Section 2.1 and A.4 of the paper).
public struct TrainingOptions: Codable, Sendable, Equatable {
    /// Training epochs of a run (a run always trains at least one).
    public var epochs: Int
    /// Examples per mini-batch.
    public var batchSize: Int
    /// Weight decay: L2 added to the gradient for `adam` and `sgd`, decoupled for `adamw`.
    public var weightDecay: Float
    /// Adam, AdamW or SGD.
    public var optimizer: OptimizerKind
    /// SGD momentum (ignored by Adam).
    public var momentum: Float
    /// Whether BatchNorm updates its running statistics while fine-tuning.
    public var batchNorm: BatchNormPolicy
    /// Random crops of the training images (zero padding of 2, cropped back at a random offset; no
    /// flips, which would change the meaning of digits and of some clothing classes).
    public var augment: Bool

    /// The paper's CIFAR protocol: Adam, weight decay 1e-4, batch 64, 15 epochs, BN in eval mode.
    public init(epochs: Int = 15, batchSize: Int = 64, weightDecay: Float = 1e-4, optimizer: OptimizerKind = .adam,
                momentum: Float = 0.9, batchNorm: BatchNormPolicy = .frozen, augment: Bool = false) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.optimizer = optimizer
        self.momentum = momentum
        self.batchNorm = batchNorm
        self.augment = augment
    }

    func makeOptimizer(learningRate: Float) -> Optimizer {
        switch optimizer {
        case .adam: Adam(learningRate: learningRate, weightDecay: weightDecay)
        case .adamw: Adam.adamW(learningRate: learningRate, weightDecay: weightDecay)
        case .sgd: SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        }
    }
}

/// The outcome of one run.
public enum RunStatus: String, Codable, Sendable {
    /// Trained for every epoch.
    case done
    /// A loss became NaN or infinite, or the training loss exploded (see `DivergenceCheck`);
    /// the run stopped there and is never chosen.
    case diverged
}

/// One epoch of a run.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// The epoch's number, 1-based.
    public var epoch: Int
    /// Mean training loss over the epoch's batches.
    public var trainLoss: Double
    /// Validation accuracy in [0, 1] after the epoch.
    public var validationAccuracy: Double
    /// Parameter elements that trained during the epoch.
    public var trainableParameters: Int
    /// Wall-clock seconds of the epoch, validation included.
    public var seconds: Double
    /// Per-tensor learning-rate weights used in the epoch (Auto-RGN, Auto-SNR), by tensor name.
    public var tensorWeights: [String: Double]?
}

/// One fine-tuning run at one learning rate and seed, early-stopped on target validation.
public struct RunResult: Codable, Sendable {
    /// The method that made the run (`MethodSpec` text), once a `MethodStudy` ran it.
    public var method: String?
    /// What the run trained: the selection (surgical methods), or the block Cross-Val chose.
    public var selection: String?
    /// Cross-Val and successive halving: each block's best validation accuracy at this grid
    /// point (successive halving: at the last epoch the block trained).
    public var candidateValidation: [String: Double]?
    /// What the run computed, for methods that record it (successive halving).
    public var cost: RunCost?
    /// The base learning rate of the run.
    public var learningRate: Float
    /// The run's seed.
    public var seed: UInt64
    /// A method-specific hyperparameter of the run (L1-SP's λ, Auto-SNR's threshold), if any.
    public var hyperparameter: Double?
    /// Whether the run trained every epoch or diverged.
    public var status: RunStatus
    /// One record per finished epoch, in order.
    public var epochs: [EpochRecord]
    /// The epoch with the best validation accuracy (1-based), if any epoch finished.
    public var bestEpoch: Int?
    /// Validation accuracy at `bestEpoch`, in [0, 1].
    public var bestValidationAccuracy: Double?
    /// Test metrics at the best epoch (evaluated once, after training).
    public var test: Metrics?
    /// Wall-clock seconds of the whole run.
    public var seconds: Double

    /// A run result from its values; `method`, `selection`, `candidateValidation` and `cost` start nil.
    public init(learningRate: Float, seed: UInt64, hyperparameter: Double?, status: RunStatus, epochs: [EpochRecord],
                bestEpoch: Int?, bestValidationAccuracy: Double?, test: Metrics?, seconds: Double) {
        self.learningRate = learningRate
        self.seed = seed
        self.hyperparameter = hyperparameter
        self.status = status
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.bestValidationAccuracy = bestValidationAccuracy
        self.test = test
        self.seconds = seconds
    }
}
