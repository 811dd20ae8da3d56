import ScalpelEngine

/// The projection shortcut of a residual block: 1×1 convolution + BatchNorm, named
/// `downsample.0` and `downsample.1` as in torchvision.
public final class Downsample: Module {
    /// The 1×1 convolution (child `0`), with the block's stride.
    public let conv: Conv2d
    /// The BatchNorm after it (child `1`).
    public let bn: BatchNorm2d

    init(_ inChannels: Int, _ outChannels: Int, stride: Int, rng: inout RandomGenerator) {
        conv = Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride, rng: &rng)
        bn = BatchNorm2d(outChannels)
    }

    /// `0` (the convolution) and `1` (the BatchNorm), as torchvision's `downsample` sequence.
    public override func children() -> [(String, Module)] { [("0", conv), ("1", bn)] }

    /// bn(conv(x)), no activation: the shortcut added to the block's output.
    public func callAsFunction(_ x: Tensor) -> Tensor { convBatchNorm(conv, bn, x, relu: false) }
}

/// A residual block of two 3×3 convolutions (He et al. 2016; torchvision `BasicBlock`):
/// y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).
public final class BasicBlock: Module {
    /// Output channels per `channels` argument: 1 (the block outputs `channels`).
    public static let expansion = 1
    /// The two 3×3 convolutions (the first with the block's stride, both padding 1, no bias) and their BatchNorms.
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    /// The projection shortcut, present when the stride is not 1 or the channel count changes; else the identity.
    public let downsample: Downsample?

    init(_ inChannels: Int, _ channels: Int, stride: Int, rng: inout RandomGenerator) {
        conv1 = Conv2d(inChannels, channels, kernelSize: 3, stride: stride, padding: 1, rng: &rng)
        bn1 = BatchNorm2d(channels)
        conv2 = Conv2d(channels, channels, kernelSize: 3, padding: 1, rng: &rng)
        bn2 = BatchNorm2d(channels)
        downsample = stride != 1 || inChannels != channels ? Downsample(inChannels, channels, stride: stride, rng: &rng) : nil
    }

    /// `conv1`, `bn1`, `conv2`, `bn2`, then `downsample` when there is one, as torchvision.
    public override func children() -> [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + (downsample.map { [("downsample", $0)] } ?? [])
    }

    /// relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), each conv → BN unit fused when frozen.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = convBatchNorm(conv1, bn1, x, relu: true)
        return convBatchNorm(conv2, bn2, h, residual: downsample?(x) ?? x, relu: true)
    }
}

/// The bottleneck residual block of ResNet-50 (torchvision `Bottleneck`, stride on the 3×3):
/// 1×1 reduce, 3×3, 1×1 expand by 4, each followed by BatchNorm; ReLU after the sum.
public final class Bottleneck: Module {
    /// Output channels per `channels` argument: 4 (the block outputs 4·`channels`).
    public static let expansion = 4
    /// The 1×1 reduce, 3×3 (with the block's stride) and 1×1 expand convolutions, no bias, and their BatchNorms.
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
    /// The projection shortcut, present when the stride is not 1 or the input is not 4·`channels`; else the identity.
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

    /// `conv1`, `bn1`, `conv2`, `bn2`, `conv3`, `bn3`, then `downsample` when there is one, as torchvision.
    public override func children() -> [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
            + (downsample.map { [("downsample", $0)] } ?? [])
    }

    /// relu(bn3(conv3(h)) + shortcut(x)) with h = relu(bn2(conv2(relu(bn1(conv1(x)))))).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = convBatchNorm(conv2, bn2, convBatchNorm(conv1, bn1, x, relu: true), relu: true)
        return convBatchNorm(conv3, bn3, h, residual: downsample?(x) ?? x, relu: true)
    }
}
