import ScalpelEngine

/// Layer normalization over the last dimension (PyTorch `nn.LayerNorm(D)`).
public final class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float

    public init(_ features: Int, eps: Float = 1e-5) {
        weight = Tensor.ones([features], requiresGrad: true)
        bias = Tensor.zeros([features], requiresGrad: true)
        self.eps = eps
    }

    public override func ownParameters() -> [(String, Tensor)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }
}
