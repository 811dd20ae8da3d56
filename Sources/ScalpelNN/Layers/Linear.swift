import ScalpelEngine

/// A fully connected layer, y = x·Wᵀ + b (PyTorch `nn.Linear`, weight `[out, in]`).
public final class Linear: Module {
    /// W, the weight `[out, in]` (state name `weight`; trainable).
    public let weight: Tensor
    /// b, the bias `[out]` (state name `bias`), nil when built with `bias: false`.
    public let bias: Tensor?

    /// PyTorch's default initialization: W, b ~ U(−1/√in, 1/√in).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout RandomGenerator) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng, requiresGrad: true)
        self.bias = bias ? Tensor.uniform([outFeatures], low: -bound, high: bound, using: &rng, requiresGrad: true) : nil
    }

    /// The input size, `in` (the weight's second dimension).
    public var inFeatures: Int { weight.shape[1] }
    /// The output size, `out` (the weight's first dimension).
    public var outFeatures: Int { weight.shape[0] }

    /// `weight`, then `bias` when there is one.
    public override func ownParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// y = x·Wᵀ + b for `x` whose last dimension is `inFeatures` (see the engine's `linear` for the gradient).
    public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }
}
