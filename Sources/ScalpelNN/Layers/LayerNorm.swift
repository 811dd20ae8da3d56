import ScalpelEngine

/// Layer normalization over the last dimension (PyTorch `nn.LayerNorm(D)`).
public final class LayerNorm: Module {
    /// γ, the per-feature scale `[D]` (state name `weight`; initialized to 1; trainable).
    public let weight: Tensor
    /// β, the per-feature shift `[D]` (state name `bias`; initialized to 0; trainable).
    public let bias: Tensor
    /// ε, added to the variance before the square root (default 1e-5).
    public let eps: Float

    /// A LayerNorm over the last dimension of size `features`, with γ = 1 and β = 0.
    public init(_ features: Int, eps: Float = 1e-5) {
        weight = Tensor.ones([features], requiresGrad: true)
        bias = Tensor.zeros([features], requiresGrad: true)
        self.eps = eps
    }

    /// `weight` (γ) and `bias` (β).
    public override func ownParameters() -> [(String, Tensor)] { [("weight", weight), ("bias", bias)] }

    /// Normalizes each row of `x` over its last dimension (`features` long): y = (x − μ)/√(σ² + ε)·γ + β,
    /// σ² the biased variance (see the engine's `layerNorm` for the gradient).
    public func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }
}
