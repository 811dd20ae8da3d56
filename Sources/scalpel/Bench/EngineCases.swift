/// The shapes `scalpel bench engine` measures. `scripts/bench_torch.py` lists the same cases
/// under the same names, which is how `scripts/bench_compare.py` pairs them.

/// C[M, N] = A[M, K]·B[K, N].
struct GemmCase {
    let name: String
    let m, n, k: Int

    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    static func square(_ s: Int) -> GemmCase { GemmCase(name: "sgemm \(s)^3", m: s, n: s, k: s) }

    /// Square sizes (the machine's SGEMM peak) and the im2col products of ResNet-26's 3×3
    /// convolutions at batch 128 (M = N·OH·OW, K = C·9, N = O).
    static let all: [GemmCase] = [
        square(512), square(1024), square(2048),
        GemmCase(name: "im2col 16->16 28x28", m: 128 * 28 * 28, n: 16, k: 16 * 9),
        GemmCase(name: "im2col 32->32 14x14", m: 128 * 14 * 14, n: 32, k: 32 * 9),
        GemmCase(name: "im2col 64->64 7x7", m: 128 * 7 * 7, n: 64, k: 64 * 9),
    ]

    static let squareNames: Set<String> = Set(all.filter { $0.m == $0.n && $0.n == $0.k }.map(\.name))
}

/// A convolution of ResNet-26 (widths 16/32/64) or a depthwise one of EfficientNet-Lite0 on a
/// size×size input, padding kernel/2, no bias.
struct ConvCase {
    let name: String
    let inChannels, outChannels, size, kernel, stride: Int
    /// Channel groups (= channels for a depthwise convolution).
    var groups = 1

    var padding: Int { kernel / 2 }
    var outSize: Int { (size + 2 * padding - kernel) / stride + 1 }

    /// 2·MACs of one pass (forward, backward-data and backward-weights all do the same work).
    func flops(batch: Int) -> Double {
        2 * Double(batch * outChannels * outSize * outSize * inChannels / groups * kernel * kernel)
    }

    /// Every distinct convolution of ResNet-26 on a 1×28×28 input.
    static let resnet26: [ConvCase] = [
        ConvCase(name: "stem 1->16 28x28", inChannels: 1, outChannels: 16, size: 28, kernel: 3, stride: 1),
        ConvCase(name: "3x3 16->16 28x28", inChannels: 16, outChannels: 16, size: 28, kernel: 3, stride: 1),
        ConvCase(name: "3x3 16->32 s2 28x28", inChannels: 16, outChannels: 32, size: 28, kernel: 3, stride: 2),
        ConvCase(name: "1x1 16->32 s2 28x28", inChannels: 16, outChannels: 32, size: 28, kernel: 1, stride: 2),
        ConvCase(name: "3x3 32->32 14x14", inChannels: 32, outChannels: 32, size: 14, kernel: 3, stride: 1),
        ConvCase(name: "3x3 32->64 s2 14x14", inChannels: 32, outChannels: 64, size: 14, kernel: 3, stride: 2),
        ConvCase(name: "1x1 32->64 s2 14x14", inChannels: 32, outChannels: 64, size: 14, kernel: 1, stride: 2),
        ConvCase(name: "3x3 64->64 7x7", inChannels: 64, outChannels: 64, size: 7, kernel: 3, stride: 1),
    ]

    /// EfficientNet-Lite0's depthwise convolutions at 224×224 (one per kernel, stride and stage
    /// shape; symmetric padding here, where the network pads TensorFlow's way).
    static let depthwise: [ConvCase] = [
        ConvCase(name: "dw3x3 32 112x112", inChannels: 32, outChannels: 32, size: 112, kernel: 3, stride: 1, groups: 32),
        ConvCase(name: "dw3x3 96 s2 112x112", inChannels: 96, outChannels: 96, size: 112, kernel: 3, stride: 2, groups: 96),
        ConvCase(name: "dw5x5 240 28x28", inChannels: 240, outChannels: 240, size: 28, kernel: 5, stride: 1, groups: 240),
        ConvCase(name: "dw5x5 672 s2 14x14", inChannels: 672, outChannels: 672, size: 14, kernel: 5, stride: 2, groups: 672),
    ]
}

/// Batch normalization in training mode over the activations of one ResNet-26 stage.
struct NormCase {
    let name: String
    let channels, size: Int

    static let resnet26: [NormCase] = [
        NormCase(name: "bn 16x28x28", channels: 16, size: 28),
        NormCase(name: "bn 32x14x14", channels: 32, size: 14),
        NormCase(name: "bn 64x7x7", channels: 64, size: 7),
    ]
}

/// An elementwise op on the largest ResNet-26 activation (ReLU after every BN, the residual add).
struct ElementwiseCase {
    enum Op: String { case relu, add }
    let op: Op
    let channels, size: Int

    var name: String { "\(op.rawValue) \(channels)x\(size)x\(size)" }

    static let resnet26: [ElementwiseCase] = [
        ElementwiseCase(op: .relu, channels: 16, size: 28),
        ElementwiseCase(op: .add, channels: 16, size: 28),
    ]
}
