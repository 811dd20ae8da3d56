import ScalpelEngine

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), as `torch.optim.Adam(W)`.
///
///     Adam:  g ← ∇θ + λ·θ          (L2 weight decay added to the gradient)
///     AdamW: θ ← θ·(1 − η·λ)        (decoupled weight decay), g ← ∇θ
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The last line is PyTorch's order of operations (bias corrections folded into the step
/// size and the denominator), so results agree with PyTorch to rounding.
public final class Adam: Optimizer {
    /// The base step size η (default 1e-3); finite and ≥ 0 (a precondition, also when set).
    public var learningRate: Float {
        didSet { HyperparameterCheck.require("Adam", [HyperparameterCheck.learningRate(learningRate)]) }
    }
    /// Per-tensor multipliers of `learningRate`, keyed by parameter name (1 when absent); each
    /// finite and ≥ 0 (a precondition whenever they are set, naming the tensor and its value).
    public var learningRateScale: [String: Float] = [:] {
        didSet { HyperparameterCheck.require("Adam", [HyperparameterCheck.learningRateScale(learningRateScale)]) }
    }
    /// β₁, the decay rate of the first-moment (mean) estimate m (default 0.9).
    public let beta1: Float
    /// β₂, the decay rate of the second-moment estimate v (default 0.999).
    public let beta2: Float
    /// ε, added to the bias-corrected √v in the denominator (default 1e-8).
    public let epsilon: Float
    /// λ, the weight decay: L2 added to the gradient (Adam) or decoupled (AdamW) per `decoupled` (default 0).
    public let weightDecay: Float
    /// Decoupled weight decay (AdamW) instead of L2 in the gradient (Adam).
    public let decoupled: Bool
    private var state: [String: SlotState] = [:]

    /// An Adam optimizer (AdamW when `decoupled`) with PyTorch's defaults.
    ///
    /// Preconditions (`HyperparameterCheck`; a value outside is a programmer error and traps,
    /// naming the parameter and its range): `learningRate` finite and ≥ 0, `beta1` and `beta2` in
    /// [0, 1), `epsilon` finite and > 0, `weightDecay` finite and ≥ 0.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        HyperparameterCheck.require(decoupled ? "AdamW" : "Adam", Self.problems(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay))
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    /// What is wrong with these hyperparameters, one text per value outside its range (nil for
    /// each that is allowed), in the order of the initializer's parameters.
    static func problems(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) -> [String?] {
        [HyperparameterCheck.learningRate(learningRate), HyperparameterCheck.decayRate(beta1, name: "beta1"),
         HyperparameterCheck.decayRate(beta2, name: "beta2"), HyperparameterCheck.epsilon(epsilon),
         HyperparameterCheck.weightDecay(weightDecay)]
    }

    /// AdamW with PyTorch's default weight decay 0.01 (the initializer's preconditions apply).
    public static func adamW(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                             epsilon: Float = 1e-8, weightDecay: Float = 1e-2) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
             decoupled: true)
    }

    /// One Adam(W) step, as in the type's comment, for each parameter with a gradient; moments and the
    /// step count t are created on a tensor's first step and kept under its name.
    public func step(_ parameters: [(String, Tensor)]) {
        for (name, p) in parameters {
            guard let gradTensor = p.grad else { continue }
            let lr = rate(for: name)
            // The gradient in the parameter's physical order (it is, unless set by hand), read in place.
            let gradient = gradTensor.format == p.format ? gradTensor : gradTensor.converted(to: p.format)
            // Taken out of the dictionary so that updating the moments does not copy them.
            var slot = state.removeValue(forKey: name) ?? SlotState(count: p.count, second: true)
            slot.step += 1
            let t = Float(slot.step)
            let bc1 = 1 - powf(beta1, t)
            let bc2Sqrt = (1 - powf(beta2, t)).squareRoot()
            let stepSize = lr / bc1
            let (b1, b2, eps, wd, decoupled) = (beta1, beta2, epsilon, weightDecay, self.decoupled)
            p.withUnsafeMutableBufferPointer { theta in
                gradient.withUnsafeBufferPointer { g in
                    slot.first.withUnsafeMutableBufferPointer { m in
                        slot.second.withUnsafeMutableBufferPointer { v in
                            // Elementwise, so split over the engine's threads (each chunk its own range).
                            parallelChunks(theta.count, grain: 65_536) { range in
                                for i in range {
                                    var gi = g[i]
                                    if decoupled { theta[i] *= 1 - lr * wd } else { gi += wd * theta[i] }
                                    m[i] = b1 * m[i] + (1 - b1) * gi
                                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                                    theta[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
                                }
                            }
                        }
                    }
                }
            }
            state[name] = slot
        }
    }

    /// Forgets every tensor's moments and step count (the next step is t = 1 again).
    public func resetState() { state = [:] }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
