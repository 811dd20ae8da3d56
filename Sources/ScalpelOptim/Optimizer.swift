import ScalpelEngine

/// An optimizer that updates named parameters in place from their gradients.
///
/// State (momentum buffers, Adam moments, step counts) is kept per tensor, keyed by the
/// parameter's name; a per-tensor learning-rate multiplier scales each tensor's step
/// (Auto-RGN sets these). Parameters without a gradient are skipped, as in PyTorch.
public protocol Optimizer: AnyObject {
    /// The base learning rate.
    var learningRate: Float { get set }
    /// Per-tensor multipliers of the learning rate (1 when absent); `Adam` and `SGD` require each
    /// to be finite and ≥ 0 (`HyperparameterCheck`).
    var learningRateScale: [String: Float] { get set }
    /// Applies one update to every parameter that has a gradient.
    func step(_ parameters: [(String, Tensor)])
    /// Forgets all state (moments, momentum, step counts).
    func resetState()
}

extension Optimizer {
    /// The learning rate of one tensor: base × its multiplier.
    func rate(for name: String) -> Float { learningRate * (learningRateScale[name] ?? 1) }
}

/// Per-tensor optimizer state, allocated on first use.
struct SlotState {
    var step = 0
    var first: [Float]
    var second: [Float]

    init(count: Int, second: Bool) {
        first = [Float](repeating: 0, count: count)
        self.second = second ? [Float](repeating: 0, count: count) : []
    }
}
