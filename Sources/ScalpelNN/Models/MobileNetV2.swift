import ScalpelEngine

/// torchvision's MobileNetV2 (Sandler et al. 2018), with its architecture and parameter names
/// exactly, so a torchvision `state_dict` loads unchanged.
///
/// `features.0`: 3×3 stride-2 convolution → BN → ReLU6 (32·w channels); `features.1`…`17`:
/// inverted residual blocks in seven stages (expansion t, channels c, repeats n, stride s:
/// 1/16/1/1, 6/24/2/2, 6/32/3/2, 6/64/4/2, 6/96/3/1, 6/160/3/2, 6/320/1/1); `features.18`:
/// 1×1 convolution → BN → ReLU6 to 1280·max(1, w) channels; global average pooling;
/// `classifier.0` dropout (0.2) and `classifier.1` linear. Channels c·w are rounded to
/// multiples of 8 as torchvision's `_make_divisible`. BatchNorm ε = 10⁻⁵, momentum 0.1.
///
/// Names inside block N: `features.N.conv.0.0/0.1` (expansion conv and BN, when t ≠ 1),
/// then the depthwise conv and BN, then the projection conv and BN, numbered on
/// (`conv.1.0`, `conv.1.1`, `conv.2`, `conv.3`; without expansion `conv.0.0`, `conv.0.1`,
/// `conv.1`, `conv.2`).
///
/// Blocks for surgery: `stem` (`features.0`), `block1`…`block7` (the seven stages:
/// `features.1`, `2–3`, `4–6`, `7–10`, `11–13`, `14–16`, `17`), `head` (`features.18`),
/// `last` (`classifier`).
public final class MobileNetV2: BlockModel {
    static let settings: [(t: Int, c: Int, n: Int, s: Int)] =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    /// The width multiplier w (channels c·w rounded to multiples of 8; default 1).
    public let widthMultiplier: Double
    /// `features.0` (stem), `features.1`…`17` (the inverted residual blocks), `features.18` (head).
    public let features: ModuleList<Module>
    private let stem: ConvNormActivation, head: ConvNormActivation
    private let residualBlocks: [InvertedResidual]
    /// `classifier.0` (dropout, no state) and `classifier.1` (the linear layer to `classes` logits).
    public let classifier: ModuleList<Module>
    private let fc: Linear
    /// `features` index ranges of the seven stages.
    public let stageRanges: [Range<Int>]
    /// Dropout before `classifier.1` in training mode.
    public var dropoutRate: Float = 0.2
    /// The generator of the dropout masks.
    public var rng: RandomGenerator

    /// A freshly initialized network drawn from `seed` (Kaiming-normal convolutions, BatchNorm γ = 1 and
    /// β = 0, PyTorch's default `Linear` initialization), with torchvision's defaults (1000 classes). Nothing is validated.
    public init(widthMultiplier: Double = 1, inChannels: Int = 3, classes: Int = 1000, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        self.widthMultiplier = widthMultiplier
        self.rng = RandomGenerator.derived(seed: seed, stream: 1)
        var channels = Self.makeDivisible(32 * widthMultiplier)
        stem = Self.convNormReLU6(inChannels, channels, kernel: 3, stride: 2, rng: &rng)
        var blocks: [InvertedResidual] = [], ranges: [Range<Int>] = []
        for (t, c, n, s) in Self.settings {
            let output = Self.makeDivisible(Double(c) * widthMultiplier)
            let first = blocks.count + 1
            for i in 0..<n {
                blocks.append(InvertedResidual(channels, output, stride: i == 0 ? s : 1, expansion: t, rng: &rng))
                channels = output
            }
            ranges.append(first..<(blocks.count + 1))
        }
        let last = Self.makeDivisible(1280 * max(1, widthMultiplier))
        head = Self.convNormReLU6(channels, last, kernel: 1, stride: 1, rng: &rng)
        residualBlocks = blocks
        features = ModuleList([stem as Module] + blocks.map { $0 as Module } + [head])
        stageRanges = ranges
        fc = Linear(last, classes, rng: &rng)
        classifier = ModuleList([Module(), fc])  // 0: dropout (no state)
    }

    /// torchvision's `_make_divisible(v, 8)`: v rounded to a multiple of 8 (at least 8), raised
    /// by 8 if that lost more than 10%.
    static func makeDivisible(_ v: Double) -> Int {
        var rounded = max(8, Int(v + 4) / 8 * 8)
        if Double(rounded) < 0.9 * v { rounded += 8 }
        return rounded
    }

    static func convNormReLU6(_ input: Int, _ output: Int, kernel: Int, stride: Int, groups: Int = 1,
                              rng: inout RandomGenerator) -> ConvNormActivation {
        ConvNormActivation(conv: Conv2d(input, output, kernelSize: kernel, stride: stride, padding: (kernel - 1) / 2,
                                        groups: groups, rng: &rng),
                           bn: BatchNorm2d(output), activation: .relu6)
    }

    /// `mobilenet_v2`, torchvision's name.
    public override var architecture: String { "mobilenet_v2" }

    /// `features` and `classifier`, torchvision's names.
    public override func children() -> [(String, Module)] { [("features", features), ("classifier", classifier)] }

    /// `stem`, `block1`…`block7` (one per stage), `head`, `last`.
    public override var blocks: [Block] {
        [Block("stem", modules: ["features.0"])]
            + stageRanges.enumerated().map { s, r in Block("block\(s + 1)", modules: r.map { "features.\($0)" }) }
            + [Block("head", modules: ["features.\(features.items.count - 1)"]), Block("last", modules: ["classifier"])]
    }

    /// Block 0: the stem; 1…7: the stage's inverted residual blocks; 8: the head; last: global average pooling,
    /// dropout (training mode, drawing from `rng`), then the linear classifier.
    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        switch index {
        case 0: return stem(x)
        case 1...stageRanges.count: return stageRanges[index - 1].reduce(x) { h, i in residualBlocks[i - 1](h) }
        case stageRanges.count + 1: return head(x)
        default: return fc(globalAvgPool2d(x).dropout(probability: dropoutRate, training: isTraining, using: &rng))
        }
    }
}

/// torchvision's `InvertedResidual`: [1×1 expansion → BN → ReLU6 when t ≠ 1], 3×3 depthwise
/// (stride s, padding 1) → BN → ReLU6, 1×1 projection → BN, plus the input when s = 1 and the
/// channels agree. Children: `conv` (a sequence numbered as torchvision's).
public final class InvertedResidual: Module {
    /// The 1×1 expansion conv → BN → ReLU6; nil when the expansion t is 1.
    public let expand: ConvNormActivation?
    /// The 3×3 depthwise conv (the block's stride, padding 1) → BN → ReLU6.
    public let depthwise: ConvNormActivation
    /// The 1×1 projection convolution and its BatchNorm (no activation after).
    public let project: Conv2d, bn: BatchNorm2d
    /// Whether the input is added to the output: stride 1 and equal input and output channels.
    public let useResidual: Bool
    private let conv: ModuleList<Module>

    init(_ input: Int, _ output: Int, stride: Int, expansion: Int, rng: inout RandomGenerator) {
        let hidden = input * expansion
        expand = expansion != 1 ? MobileNetV2.convNormReLU6(input, hidden, kernel: 1, stride: 1, rng: &rng) : nil
        depthwise = MobileNetV2.convNormReLU6(hidden, hidden, kernel: 3, stride: stride, groups: hidden, rng: &rng)
        project = Conv2d(hidden, output, kernelSize: 1, rng: &rng)
        bn = BatchNorm2d(output)
        useResidual = stride == 1 && input == output
        conv = ModuleList((expand.map { [$0 as Module] } ?? []) + [depthwise, project, bn])
    }

    /// `conv`, the sequence of the expansion (when present), depthwise, projection and BatchNorm, numbered from 0.
    public override func children() -> [(String, Module)] { [("conv", conv)] }

    /// bn(project(depthwise(expand(x)))) (+ x when `useResidual`).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        if let expand { h = expand(h) }
        h = depthwise(h)
        return convBatchNorm(project, bn, h, residual: useResidual ? x : nil, activation: .identity)
    }
}
