import ScalpelEngine

/// A 2-D convolution layer (PyTorch `nn.Conv2d`, weight `[out, in/groups, k, k]`), dense or
/// grouped (depthwise when in = out = groups), with symmetric padding or TensorFlow's "same"
/// padding computed from each input's size (EfficientNet's `Conv2dStaticSamePadding` at the
/// size it was built for).
public final class Conv2d: Module {
    /// The filters `[out, in/groups, kH, kW]` (state name `weight`; trainable).
    public let weight: Tensor
    /// The per-output-channel bias `[out]` (state name `bias`), nil when built with `bias: false` (the default).
    public let bias: Tensor?
    /// The step between output positions, the same along height and width.
    public let stride: Int
    /// Zero padding on every side (unused with `tensorFlowSamePadding`).
    public let padding: Int
    /// Channel groups: 1 is a dense convolution.
    public let groups: Int
    /// Pads as TensorFlow's "SAME" (see `ConvPadding.tensorFlowSame`) instead of `padding`.
    public let tensorFlowSamePadding: Bool

    /// Weights ~ N(0, 2/fan_out) (He et al. 2015, `mode="fan_out"`, as torchvision's ResNets);
    /// a bias, when present, ~ U(−1/√fan_in, 1/√fan_in) as PyTorch's default.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                groups: Int = 1, tensorFlowSamePadding: Bool = false, bias: Bool = false, rng: inout RandomGenerator) {
        precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: \(groups) groups for \(inChannels) → \(outChannels) channels")
        let fanOut = outChannels * kernelSize * kernelSize
        self.groups = groups
        self.tensorFlowSamePadding = tensorFlowSamePadding
        weight = Tensor.randn([outChannels, inChannels / groups, kernelSize, kernelSize],
                              std: (2 / Float(fanOut)).squareRoot(), using: &rng, requiresGrad: true)
        let bound = 1 / Float(inChannels / groups * kernelSize * kernelSize).squareRoot()
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, using: &rng, requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
    }

    /// `weight`, then `bias` when there is one.
    public override func ownParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// The symmetric padding of a dense convolution of `x` (a plain `conv2d`, the case the
    /// fused inference kernels cover), or nil for a grouped or asymmetrically padded one.
    public func densePadding(for x: Tensor) -> Int? { groups == 1 ? padding(for: x).symmetricValue : nil }

    /// The padding applied to an input of `x`'s size.
    public func padding(for x: Tensor) -> ConvPadding {
        guard tensorFlowSamePadding else { return .symmetric(padding) }
        return .tensorFlowSame(height: x.shape[2], width: x.shape[3], kernelHeight: weight.shape[2],
                               kernelWidth: weight.shape[3], stride: stride)
    }

    /// Convolves `x` `[N, in, H, W]` into `[N, out, OH, OW]` with this layer's weight, bias, stride and padding
    /// (`conv2d` when dense and symmetrically padded, else `groupedConv2d`; their comments give the math).
    public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, weight: weight, bias: bias) }

    /// This layer's convolution with other weights (e.g. a BatchNorm folded in).
    func callAsFunction(_ x: Tensor, weight w: Tensor, bias b: Tensor?) -> Tensor {
        if let p = densePadding(for: x) { return conv2d(x, weight: w, bias: b, stride: stride, padding: p) }
        return groupedConv2d(x, weight: w, bias: b, stride: stride, padding: padding(for: x), groups: groups)
    }
}
