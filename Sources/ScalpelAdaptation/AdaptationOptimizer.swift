import ScalpelOptim

/// The optimizer of a test-time adaptation: SGD (with momentum) or AdamW.
///
/// The paper (A.6) found AdamW better for episodic and SGD for online MEMO. An adapter builds
/// a fresh optimizer from this description whenever it resets (episodic MEMO after every image),
/// so no momentum or moment estimate carries over.
public struct AdaptationOptimizer: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable { case sgd, adamw }

    public var kind: Kind
    public var learningRate: Float
    public var weightDecay: Float
    /// SGD momentum (ignored by AdamW).
    public var momentum: Float

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
