import ScalpelEngine

/// torchvision's ImageNet ResNets, with its architecture and parameter names exactly, so a
/// torchvision `state_dict` saved as safetensors loads unchanged.
///
/// 7×7 stride-2 stem convolution + BN + ReLU + 3×3 stride-2 max-pool; four stages
/// (64, 128, 256, 512 channels; stride 2 from stage 2) of BasicBlocks (ResNet-18: 2-2-2-2,
/// ResNet-34: 3-4-6-3) or Bottlenecks (ResNet-50: 3-4-6-3, ResNet-101: 3-4-23-3, expansion 4);
/// global average pooling; a linear head.
///
/// Blocks for surgery: `stem` (conv1, bn1), `block1`…`block4` (layer1…layer4), `last` (fc).
public final class TorchvisionResNet: BlockModel {
    /// The four depths torchvision builds; the raw value is the depth (18, 34, 50, 101).
    public enum Depth: Int, Sendable, CaseIterable {
        /// ResNet-18 and -34 (BasicBlocks), ResNet-50 and -101 (Bottlenecks).
        case resnet18 = 18, resnet34 = 34, resnet50 = 50, resnet101 = 101

        /// Residual blocks per stage.
        public var blocksPerStage: [Int] {
            switch self {
            case .resnet18: [2, 2, 2, 2]
            case .resnet34, .resnet50: [3, 4, 6, 3]
            case .resnet101: [3, 4, 23, 3]
            }
        }

        /// Whether the blocks are bottlenecks (1×1, 3×3, 1×1 ×4) rather than two 3×3 convolutions.
        public var usesBottlenecks: Bool { rawValue >= 50 }
    }
    /// Which ResNet this is.
    public let depth: Depth
    /// The 7×7 stride-2 stem convolution, `inChannels` → 64 channels, padding 3, no bias (`conv1`).
    public let conv1: Conv2d
    /// The stem's BatchNorm (`bn1`).
    public let bn1: BatchNorm2d
    /// The four stages (`layer1`…`layer4`), each a `ModuleList` of `BasicBlock`s or `Bottleneck`s.
    public let layers: [Module]
    private let stageForward: [(Tensor) -> Tensor]
    /// The classifier, 512 (BasicBlock) or 2048 (Bottleneck) features → `classes` logits (`fc`).
    public let fc: Linear

    /// A freshly initialized network drawn from `seed` (Kaiming-normal convolutions, BatchNorm γ = 1 and
    /// β = 0, PyTorch's default `Linear` initialization), with torchvision's default of 1000 classes.
    /// Nothing is validated here.
    public init(_ depth: Depth, inChannels: Int = 3, classes: Int = 1000, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        self.depth = depth
        conv1 = Conv2d(inChannels, 64, kernelSize: 7, stride: 2, padding: 3, rng: &rng)
        bn1 = BatchNorm2d(64)
        let counts = depth.blocksPerStage
        var inC = 64
        var stages: [Module] = []
        var forwards: [(Tensor) -> Tensor] = []
        for (s, n) in counts.enumerated() {
            let w = 64 << s
            if depth.usesBottlenecks {
                var blocks: [Bottleneck] = []
                for b in 0..<n {
                    blocks.append(Bottleneck(inC, w, stride: s > 0 && b == 0 ? 2 : 1, rng: &rng))
                    inC = w * Bottleneck.expansion
                }
                stages.append(ModuleList(blocks))
                forwards.append { x in blocks.reduce(x) { h, blk in blk(h) } }
            } else {
                var blocks: [BasicBlock] = []
                for b in 0..<n {
                    blocks.append(BasicBlock(inC, w, stride: s > 0 && b == 0 ? 2 : 1, rng: &rng))
                    inC = w
                }
                stages.append(ModuleList(blocks))
                forwards.append { x in blocks.reduce(x) { h, blk in blk(h) } }
            }
        }
        layers = stages
        stageForward = forwards
        fc = Linear(inC, classes, rng: &rng)
    }

    /// `resnet18`, `resnet34`, `resnet50` or `resnet101`, torchvision's names.
    public override var architecture: String { "resnet\(depth.rawValue)" }

    /// `conv1`, `bn1`, `layer1`…`layer4`, `fc`, torchvision's names and order.
    public override func children() -> [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1)] + layers.enumerated().map { ("layer\($0.offset + 1)", $0.element) } + [("fc", fc)]
    }

    /// `stem` (conv1, bn1), `block1`…`block4` (layer1…layer4), `last` (fc).
    public override var blocks: [Block] {
        [Block("stem", modules: ["conv1", "bn1"])]
            + layers.indices.map { Block("block\($0 + 1)", modules: ["layer\($0 + 1)"]) }
            + [Block("last", modules: ["fc"])]
    }

    /// Block 0: maxpool(relu(bn1(conv1(x)))) (3×3, stride 2, padding 1), so H and W shrink by 4; 1…4: the
    /// stage's residual blocks (stages 2–4 halve H and W); last: global average pooling then `fc`, giving `[N, classes]`.
    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        switch index {
        case 0: return maxPool2d(convBatchNorm(conv1, bn1, x, relu: true), kernelSize: 3, stride: 2, padding: 1)
        case blocks.count - 1: return fc(globalAvgPool2d(x))
        default: return stageForward[index - 1](x)
        }
    }
}
