import ScalpelOptim

/// The optimizer of a test-time adaptation: SGD (with momentum) or AdamW.
///
/// The paper (A.6) found AdamW better for episodic and SGD for online MEMO. An adapter builds
/// a fresh optimizer from this description whenever it resets (episodic MEMO after every image),
/// so no momentum or moment estimate carries over.
public struct AdaptationOptimizer: Sendable, Hashable, Codable {
    /// Which optimizer: `sgd` (SGD with momentum) or `adamw` (Adam with decoupled weight decay).
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable { case sgd, adamw }

    /// Which optimizer `make()` builds.
    public var kind: Kind
    /// Step size of every update.
    public var learningRate: Float
    /// Weight decay: passed to SGD as its `weightDecay`, to AdamW as its decoupled decay (default 0).
    public var weightDecay: Float
    /// SGD momentum (ignored by AdamW).
    public var momentum: Float

    /// An optimizer description; `weightDecay` defaults to 0 and `momentum` (SGD only) to 0.9.
    /// Values are not validated here.
    public init(kind: Kind, learningRate: Float, weightDecay: Float = 0, momentum: Float = 0.9) {
        self.kind = kind
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.momentum = momentum
    }

    /// SGD with momentum 0.9 at learning rate 0.005 (MEMO's CIFAR setting).
    public static let sgdDefault = AdaptationOptimizer(kind: .sgd, learningRate: 0.005)
    /// AdamW at learning rate 1e-4, weight decay 0.01.
    public static let adamWDefault = AdaptationOptimizer(kind: .adamw, learningRate: 1e-4, weightDecay: 0.01)

    /// A new optimizer with empty state.
    public func make() -> Optimizer {
        switch kind {
        case .sgd: SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adamw: Adam.adamW(learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}
