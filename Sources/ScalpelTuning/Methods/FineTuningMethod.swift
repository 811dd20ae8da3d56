import ScalpelEngine
import ScalpelNN

/// One point of a method's grid: a learning rate, the method's own hyperparameter if it has
/// one (L1-SP's λ, Auto-SNR's threshold), and a seed.
public struct GridPoint: Hashable, Codable, Sendable {
    /// Base learning rate η of the run.
    public var learningRate: Float
    /// The method's own hyperparameter (L1-SP's λ, Auto-SNR's threshold); nil for methods without one
    /// or to use the method's default.
    public var hyperparameter: Double?
    /// Seed of the run's shuffles and the method's sampling.
    public var seed: UInt64

    /// A grid point; nothing is validated.
    public init(learningRate: Float, hyperparameter: Double? = nil, seed: UInt64) {
        self.learningRate = learningRate
        self.hyperparameter = hyperparameter
        self.seed = seed
    }
}

/// A fine-tuning method: how one run at one grid point trains the model from θ⁰.
///
/// Every method is one (or, for Cross-Val, several) `FineTuner` runs with an `EpochPolicy`;
/// the protocol around it (the grid, early stopping, seeds, the summary) is `MethodStudy`.
public protocol FineTuningMethod {
    /// The parameters the method may train in `model` (the count reported as "trainable").
    func candidates(in model: BlockModel) -> Set<String>

    /// One run at `point`, from the pre-trained state, on the session's target data.
    func run(at point: GridPoint, in session: TuningSession) -> RunResult
}

extension FineTuningMethod {
    /// Runs `policy` on `candidates` with the session's tuner, on data advanced past any frozen
    /// prefix that no epoch of the run can train.
    func runPolicy(_ policy: EpochPolicy, candidates: Set<String>, at point: GridPoint,
                   in session: TuningSession) -> RunResult {
        session.tuner.run(selection: candidates, learningRate: point.learningRate, seed: point.seed,
                          data: session.data(forTraining: candidates), policy: policy,
                          hyperparameter: point.hyperparameter)
    }
}

/// The names of every parameter of `model`.
func allParameterNames(_ model: BlockModel) -> Set<String> { Set(model.namedParameters().map(\.0)) }
