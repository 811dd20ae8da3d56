/// Dropout (Srivastava et al. 2014; PyTorch `F.dropout`), inverted: in training mode each
/// element is kept with probability 1 − p and scaled by 1/(1 − p), so the expectation is x.
///   y = x ⊙ m / (1 − p),  m ~ Bernoulli(1 − p) elementwise (drawn from `rng`);
///   ∂x = g ⊙ m / (1 − p).
/// p = 1 drops everything (y = 0, ∂x = 0), as PyTorch. Outside training mode, or with p = 0,
/// y = x (the same tensor). The mask comes from Scalpel's seeded generator, so a seed
/// reproduces it; it is not PyTorch's mask.
extension Tensor {
    /// Inverted dropout of each element with probability `p` in [0, 1] (a precondition) when
    /// `training`; draws one value from `rng` per element only when it drops (training and p > 0).
    public func dropout(probability p: Float, training: Bool, using rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p <= 1, "dropout: probability \(p) outside [0, 1]")
        guard training && p > 0 else { return self }
        let scale: Float = p < 1 ? 1 / (1 - p) : 0
        let mask = Tensor(uninitialized: shape, format: format)
        let m = mask.pointer
        for i in 0..<count { m[i] = rng.nextFloat() >= p ? scale : 0 }
        return self * mask.detached()
    }
}

/// Drop connect / stochastic depth per sample (EfficientNet's `drop_connect`; Huang et al.
/// 2016): in training mode sample n of x [N, …] is kept with probability 1 − p and scaled by
/// 1/(1 − p), else zeroed:
///   y[n, …] = x[n, …] · m[n] / (1 − p),  m[n] ~ Bernoulli(1 − p);  ∂x[n, …] = g[n, …] · m[n] / (1 − p).
/// Outside training mode, or with p = 0, y = x.
extension Tensor {
    /// Drops whole samples (along axis 0) with probability `p` in [0, 1) (a precondition) when
    /// `training`; draws `shape[0]` values from `rng` only when it drops. A rank-0 tensor is returned as is.
    public func dropSamples(probability p: Float, training: Bool, using rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropSamples: probability \(p) outside [0, 1)")
        guard training && p > 0, rank >= 1 else { return self }
        let keep = (0..<shape[0]).map { _ in rng.nextFloat() >= p ? 1 / (1 - p) : Float(0) }
        let mask = Tensor(shape: [shape[0]] + Array(repeating: 1, count: rank - 1), data: keep)
        return self * mask
    }
}
