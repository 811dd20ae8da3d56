/// The ranges an optimizer's hyperparameters must lie in, checked by `Adam` and `SGD` when they
/// are created (and when `learningRate` is set).
///
/// | hyperparameter | allowed | why |
/// |---|---|---|
/// | learning rate η | finite, ≥ 0 | NaN or ±∞ poisons every parameter; η < 0 ascends the loss |
/// | β₁, β₂, momentum μ | [0, 1) | β = 1 makes Adam's bias correction 1 − βᵗ zero (a division by zero); β ∉ [0, 1] or μ ≥ 1 makes the averages grow without bound |
/// | ε | finite, > 0 | ε ≤ 0 lets Adam divide by zero (or by a negative number) where v = 0 |
/// | weight decay λ | finite, ≥ 0 | λ < 0 pushes the weights away from zero |
/// | per-tensor multiplier `learningRateScale[name]` | finite, ≥ 0 | as η: the tensor's rate is η · multiplier |
///
/// The multipliers are checked whenever `learningRateScale` is set (Auto-RGN sets them every
/// epoch from its relative gradient norms, after checking them itself; see `EpochContext`).
/// A value outside its range is a programmer error, as for the library's other initializers
/// that take values from code (`SGD`'s Nesterov without momentum, `RandomCrop`'s padding,
/// `Conv2d`'s groups): a precondition, not a thrown error. Values from a user — flags, specs —
/// are validated with the same ranges before an optimizer is made (`scalpel finetune`,
/// `ExperimentSpec`, `AdaptationSettings`).
enum HyperparameterCheck {
    /// A learning rate's problem: nil when finite and ≥ 0.
    static func learningRate(_ value: Float, name: String = "learningRate") -> String? {
        value.isFinite && value >= 0 ? nil : "\(name) must be a finite number ≥ 0, got \(value)"
    }

    /// A decay rate's or momentum's problem: nil when in [0, 1).
    static func decayRate(_ value: Float, name: String) -> String? {
        value >= 0 && value < 1 ? nil : "\(name) must be in [0, 1), got \(value)"
    }

    /// ε's problem: nil when finite and > 0.
    static func epsilon(_ value: Float, name: String = "epsilon") -> String? {
        value.isFinite && value > 0 ? nil : "\(name) must be a finite number > 0, got \(value)"
    }

    /// A weight decay's problem: nil when finite and ≥ 0.
    static func weightDecay(_ value: Float, name: String = "weightDecay") -> String? {
        value.isFinite && value >= 0 ? nil : "\(name) must be a finite number ≥ 0, got \(value)"
    }

    /// The problem of the per-tensor learning-rate multipliers: nil when every one is finite and
    /// ≥ 0, else the one of the first tensor by name that is not, naming the tensor and its value.
    /// One pass over the dictionary, allocating nothing unless there is a problem.
    static func learningRateScale(_ scales: [String: Float]) -> String? {
        var first: (name: String, value: Float)? = nil
        for (name, value) in scales where !(value.isFinite && value >= 0) && (first == nil || name < first!.name) {
            first = (name, value)
        }
        return first.map { "learningRateScale[\"\($0.name)\"] must be a finite number ≥ 0, got \($0.value)" }
    }

    /// Traps with "`optimizer`: `problem`" when `problems` holds one.
    static func require(_ optimizer: String, _ problems: [String?]) {
        if let problem = problems.lazy.compactMap({ $0 }).first { preconditionFailure("\(optimizer): \(problem)") }
    }
}
