import ScalpelEngine

/// The CIFAR-style ResNet of the paper (ResNet-26 by default; He et al. 2016, Section 4.2).
///
/// 3×3 stride-1 stem convolution (no bias) + BN + ReLU, no max-pool; three stages of
/// `blocksPerStage` BasicBlocks with widths 16k, 32k, 64k, stride 2 at the first block of
/// stages 2 and 3 with a 1×1 projection shortcut; global average pooling; a linear head.
/// Depth = 6·blocksPerStage + 2 (ResNet-8/14/20/26/32 for 1/2/3/4/5 blocks per stage).
///
/// Blocks for surgery: `stem` (conv1, bn1), `block1`…`block3` (layer1…layer3), `last` (fc).
public final class CIFARResNet: BlockModel {
    /// The 3×3 stride-1 stem convolution, `inChannels` → 16k channels, no bias (`conv1`).
    public let conv1: Conv2d
    /// The stem's BatchNorm (`bn1`).
    public let bn1: BatchNorm2d
    /// The three stages (`layer1`…`layer3`) of `blocksPerStage` BasicBlocks each, with 16k, 32k and 64k channels.
    public let layers: [ModuleList<BasicBlock>]
    /// The classifier, 64k features → `classes` logits (`fc`).
    public let fc: Linear
    /// BasicBlocks per stage: the depth is 6·blocksPerStage + 2.
    public let blocksPerStage: Int

    /// A freshly initialized network (Kaiming-normal convolutions, BatchNorm γ = 1 and β = 0, PyTorch's default
    /// `Linear` initialization) drawn from `seed`; width multiplier `width` = k. Sizes are not validated here
    /// (`ModelConfiguration.validate(path:)` does that).
    public init(inChannels: Int = 3, classes: Int = 10, width: Int = 1, blocksPerStage: Int = 4, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        let widths = [16, 32, 64].map { $0 * width }
        conv1 = Conv2d(inChannels, widths[0], kernelSize: 3, padding: 1, rng: &rng)
        bn1 = BatchNorm2d(widths[0])
        var inC = widths[0]
        var stages: [ModuleList<BasicBlock>] = []
        for (s, w) in widths.enumerated() {
            var blocks: [BasicBlock] = []
            for b in 0..<blocksPerStage {
                blocks.append(BasicBlock(inC, w, stride: s > 0 && b == 0 ? 2 : 1, rng: &rng))
                inC = w
            }
            stages.append(ModuleList(blocks))
        }
        layers = stages
        fc = Linear(inC, classes, rng: &rng)
        self.blocksPerStage = blocksPerStage
    }

    /// `resnet<6·blocksPerStage + 2>`: `resnet26` for the default 4 blocks per stage.
    public override var architecture: String { blocksPerStage == 4 ? "resnet26" : "resnet\(6 * blocksPerStage + 2)" }

    /// `conv1`, `bn1`, `layer1`…`layer3`, `fc`, in torchvision's order.
    public override func children() -> [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1)] + layers.enumerated().map { ("layer\($0.offset + 1)", $0.element) } + [("fc", fc)]
    }

    /// `stem` (conv1, bn1), `block1`…`block3` (layer1…layer3), `last` (fc).
    public override var blocks: [Block] {
        [Block("stem", modules: ["conv1", "bn1"])]
            + layers.indices.map { Block("block\($0 + 1)", modules: ["layer\($0 + 1)"]) }
            + [Block("last", modules: ["fc"])]
    }

    /// Block 0: relu(bn1(conv1(x))) on `[N, inChannels, H, W]`; 1…3: the stage's BasicBlocks in order
    /// (the first of stages 2 and 3 halves H and W); last: global average pooling then `fc`, giving `[N, classes]`.
    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        switch index {
        case 0: return convBatchNorm(conv1, bn1, x, relu: true)
        case blocks.count - 1: return fc(globalAvgPool2d(x))
        default: return layers[index - 1].items.reduce(x) { h, block in block(h) }
        }
    }
}
