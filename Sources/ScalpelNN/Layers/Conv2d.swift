import ScalpelEngine

/// A 2-D convolution layer (PyTorch `nn.Conv2d`, weight `[out, in, k, k]`).
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int

    /// Weights ~ N(0, 2/fan_out) (He et al. 2015, `mode="fan_out"`, as torchvision's ResNets);
    /// a bias, when present, ~ U(−1/√fan_in, 1/√fan_in) as PyTorch's default.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = false, rng: inout RandomGenerator) {
        let fanOut = outChannels * kernelSize * kernelSize
        weight = Tensor.randn([outChannels, inChannels, kernelSize, kernelSize],
                              std: (2 / Float(fanOut)).squareRoot(), using: &rng, requiresGrad: true)
        let bound = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, using: &rng, requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
    }

    public override func ownParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
