import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// What a fine-tuning method changes in the basic training loop.
///
/// The loop calls `beforeEpoch` at the start of every epoch (gradual unfreezing unfreezes a
/// block, Auto-RGN sets per-tensor learning rates, Auto-SNR freezes noisy tensors) and adds
/// `regularizer` to the loss of every batch (L1-SP).
public protocol EpochPolicy {
    /// Adjusts the run for `epoch` (1-based). `context` gives the model, the optimizer and the
    /// tuning data; return per-tensor weights to record for the epoch, if the method has any.
    mutating func beforeEpoch(_ epoch: Int, context: EpochContext) -> [String: Double]?

    /// An extra loss term for the current parameters, or nil.
    func regularizer(_ model: BlockModel) -> Tensor?
}

extension EpochPolicy {
    /// Default: changes nothing and records no weights.
    public mutating func beforeEpoch(_ epoch: Int, context: EpochContext) -> [String: Double]? { nil }
    /// Default: no extra loss term.
    public func regularizer(_ model: BlockModel) -> Tensor? { nil }
}

/// What an `EpochPolicy` may look at and change at the start of an epoch.
public struct EpochContext {
    /// The model being fine-tuned (its trainable set may be changed by the policy).
    public let model: BlockModel
    /// The run's optimizer (its per-tensor `learningRateScale` may be set by the policy).
    public let optimizer: Optimizer
    /// The tuning examples of the run (possibly advanced past a frozen prefix).
    public let tune: ExampleSet
    /// The run's training options.
    public let options: TrainingOptions
    /// The parameters the method may train (the selection).
    public let candidates: Set<String>
    /// The seed of the method's own sampling (the batches it looks at): the run's seed plus the epoch.
    public let seed: UInt64
}

extension EpochContext {
    /// Whether `weights` can be per-tensor learning-rate multipliers: every one finite and ≥ 0 as
    /// a `Float` (what `Adam` and `SGD` require). Weights measured from a gradient or parameter
    /// that was not finite are not, and `FineTuner.run` records such an epoch's run as diverged.
    public static func areLearningRateScales(_ weights: [String: Double]) -> Bool {
        weights.values.allSatisfy { Float($0).isFinite && $0 >= 0 }
    }

    /// Sets the optimizer's per-tensor learning-rate multipliers to `weights` and returns true
    /// when `areLearningRateScales(weights)`; otherwise sets nothing (the optimizer would trap)
    /// and returns false.
    @discardableResult
    public func setLearningRateScale(_ weights: [String: Double]) -> Bool {
        guard Self.areLearningRateScales(weights) else { return false }
        optimizer.learningRateScale = weights.mapValues { Float($0) }
        return true
    }
}

/// The plain loop: nothing changes between epochs.
public struct FixedSelection: EpochPolicy {
    /// The plain loop.
    public init() {}
}
