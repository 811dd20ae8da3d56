import ScalpelEngine

/// Stochastic gradient descent with momentum, as `torch.optim.SGD` (dampening 0).
///
///     g ← ∇θ + λ·θ                       (weight decay λ)
///     b ← g (first step) or μ·b + g      (momentum μ)
///     d ← g + μ·b (Nesterov) or b        (d = g when μ = 0)
///     θ ← θ − η·d
public final class SGD: Optimizer {
    /// The base step size η (no default: as PyTorch, it must be given); finite and ≥ 0 (a
    /// precondition, also when set).
    public var learningRate: Float {
        didSet { HyperparameterCheck.require("SGD", [HyperparameterCheck.learningRate(learningRate)]) }
    }
    /// Per-tensor multipliers of `learningRate`, keyed by parameter name (1 when absent); each
    /// finite and ≥ 0 (a precondition whenever they are set, naming the tensor and its value).
    public var learningRateScale: [String: Float] = [:] {
        didSet { HyperparameterCheck.require("SGD", [HyperparameterCheck.learningRateScale(learningRateScale)]) }
    }
    /// μ, the momentum (default 0: plain SGD, no buffer kept).
    public let momentum: Float
    /// λ, the L2 weight decay added to the gradient (default 0).
    public let weightDecay: Float
    /// Whether the step uses Nesterov momentum (d = g + μ·b).
    public let nesterov: Bool
    private var state: [String: SlotState] = [:]

    /// An SGD optimizer with these hyperparameters.
    ///
    /// Preconditions (`HyperparameterCheck`; a value outside is a programmer error and traps,
    /// naming the parameter and its range): `learningRate` finite and ≥ 0, `momentum` in [0, 1),
    /// `weightDecay` finite and ≥ 0, and Nesterov only with `momentum > 0`.
    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        HyperparameterCheck.require("SGD", Self.problems(learningRate: learningRate, momentum: momentum,
                                                         weightDecay: weightDecay, nesterov: nesterov))
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    /// What is wrong with these hyperparameters, one text per value outside its range (nil for
    /// each that is allowed), in the order of the initializer's parameters.
    static func problems(learningRate: Float, momentum: Float, weightDecay: Float, nesterov: Bool) -> [String?] {
        [HyperparameterCheck.learningRate(learningRate), HyperparameterCheck.decayRate(momentum, name: "momentum"),
         HyperparameterCheck.weightDecay(weightDecay),
         !nesterov || momentum > 0 ? nil : "Nesterov momentum needs momentum > 0, got \(momentum)"]
    }

    /// One SGD step, as in the type's comment, for each parameter with a gradient; the momentum
    /// buffer b is created on a tensor's first step and kept under its name.
    public func step(_ parameters: [(String, Tensor)]) {
        for (name, p) in parameters {
            guard let gradTensor = p.grad else { continue }
            let lr = rate(for: name)
            // The gradient in the parameter's physical order (it is, unless set by hand), read in place.
            let gradient = gradTensor.format == p.format ? gradTensor : gradTensor.converted(to: p.format)
            // Taken out of the dictionary so that updating the moments does not copy them.
            var slot = state.removeValue(forKey: name) ?? SlotState(count: p.count, second: false)
            let first = slot.step == 0
            slot.step += 1
            let (mu, wd, nesterov) = (momentum, weightDecay, self.nesterov)
            p.withUnsafeMutableBufferPointer { theta in
                gradient.withUnsafeBufferPointer { g in
                    for i in 0..<theta.count {
                        var d = g[i] + wd * theta[i]
                        if mu != 0 {
                            slot.first[i] = first ? d : mu * slot.first[i] + d
                            d = nesterov ? d + mu * slot.first[i] : slot.first[i]
                        }
                        theta[i] -= lr * d
                    }
                }
            }
            state[name] = slot
        }
    }

    /// Forgets every momentum buffer (the next step starts b from g again).
    public func resetState() { state = [:] }
}
