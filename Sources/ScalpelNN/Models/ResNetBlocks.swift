import ScalpelEngine

/// The projection shortcut of a residual block: 1×1 convolution + BatchNorm, named
/// `downsample.0` and `downsample.1` as in torchvision.
public final class Downsample: Module {
    public let conv: Conv2d
    public let bn: BatchNorm2d

    init(_ inChannels: Int, _ outChannels: Int, stride: Int, rng: inout RandomGenerator) {
        conv = Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride, rng: &rng)
        bn = BatchNorm2d(outChannels)
    }

    public override func children() -> [(String, Module)] { [("0", conv), ("1", bn)] }

    public func callAsFunction(_ x: Tensor) -> Tensor { convBatchNorm(conv, bn, x, relu: false) }
}

/// A residual block of two 3×3 convolutions (He et al. 2016; torchvision `BasicBlock`):
/// y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).
public final class BasicBlock: Module {
    public static let expansion = 1
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    public let downsample: Downsample?

    init(_ inChannels: Int, _ channels: Int, stride: Int, rng: inout RandomGenerator) {
        conv1 = Conv2d(inChannels, channels, kernelSize: 3, stride: stride, padding: 1, rng: &rng)
        bn1 = BatchNorm2d(channels)
        conv2 = Conv2d(channels, channels, kernelSize: 3, padding: 1, rng: &rng)
        bn2 = BatchNorm2d(channels)
        downsample = stride != 1 || inChannels != channels ? Downsample(inChannels, channels, stride: stride, rng: &rng) : nil
    }

    public override func children() -> [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = convBatchNorm(conv1, bn1, x, relu: true)
        return convBatchNorm(conv2, bn2, h, residual: downsample?(x) ?? x, relu: true)
    }
}

/// The bottleneck residual block of ResNet-50 (torchvision `Bottleneck`, stride on the 3×3):
/// 1×1 reduce, 3×3, 1×1 expand by 4, each followed by BatchNorm; ReLU after the sum.
public final class Bottleneck: Module {
    public static let expansion = 4
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
    public let downsample: Downsample?

    init(_ inChannels: Int, _ channels: Int, stride: Int, rng: inout RandomGenerator) {
        let out = channels * Self.expansion
        conv1 = Conv2d(inChannels, channels, kernelSize: 1, rng: &rng)
        bn1 = BatchNorm2d(channels)
        conv2 = Conv2d(channels, channels, kernelSize: 3, stride: stride, padding: 1, rng: &rng)
        bn2 = BatchNorm2d(channels)
        conv3 = Conv2d(channels, out, kernelSize: 1, rng: &rng)
        bn3 = BatchNorm2d(out)
        downsample = stride != 1 || inChannels != out ? Downsample(inChannels, out, stride: stride, rng: &rng) : nil
    }

    public override func children() -> [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
            + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = convBatchNorm(conv2, bn2, convBatchNorm(conv1, bn1, x, relu: true), relu: true)
        return convBatchNorm(conv3, bn3, h, residual: downsample?(x) ?? x, relu: true)
    }
}
