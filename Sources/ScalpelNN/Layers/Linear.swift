import ScalpelEngine

/// A fully connected layer, y = x·Wᵀ + b (PyTorch `nn.Linear`, weight `[out, in]`).
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    /// PyTorch's default initialization: W, b ~ U(−1/√in, 1/√in).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout RandomGenerator) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng, requiresGrad: true)
        self.bias = bias ? Tensor.uniform([outFeatures], low: -bound, high: bound, using: &rng, requiresGrad: true) : nil
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public override func ownParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }
}
