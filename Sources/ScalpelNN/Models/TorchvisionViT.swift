import ScalpelEngine

/// A Vision Transformer with torchvision's layout and `state_dict` names
/// (`torchvision.models.VisionTransformer`, e.g. `vit_b_16`), so its checkpoints load unchanged.
///
/// The same network as ``VisionTransformer``: patch embedding (`conv_proj`, a p×p stride-p
/// convolution), a class token (`class_token`), learned position embeddings
/// (`encoder.pos_embedding`), pre-norm encoder layers
/// (`encoder.layers.encoder_layer_N`: `ln_1`, `self_attention` with fused `in_proj_weight`,
/// `in_proj_bias` and `out_proj`, `ln_2`, `mlp.0` and `mlp.3` with an exact GELU between them),
/// a final LayerNorm (`encoder.ln`, ε = 1e-6 like every LayerNorm here) and a linear head on the
/// class token (`heads.head`). Dropout is 0 (torchvision's default), so train and eval agree.
///
/// Blocks for surgery: `embed` (conv_proj, class_token, encoder.pos_embedding), `block1`…`blockN`
/// (encoder.layers.encoder_layer_0…), `last` (encoder.ln, heads).
public final class TorchvisionViT: BlockModel {
    /// The sizes of a torchvision ViT.
    public struct Configuration: Sendable, Equatable {
        /// Input height = width in pixels (224 for `vit_b_16`).
        public var imageSize: Int
        /// Patch side p in pixels; the image is cut into (imageSize/p)² patches.
        public var patchSize: Int
        /// The number of encoder layers.
        public var layers: Int
        /// Attention heads per layer; the head size is `hiddenDim`/`heads`.
        public var heads: Int
        /// D, the token width.
        public var hiddenDim: Int
        /// M, the hidden size of each layer's MLP.
        public var mlpDim: Int

        /// Creates a configuration; `hiddenDim` must be divisible by `heads` and `imageSize` by `patchSize`.
        public init(imageSize: Int, patchSize: Int, layers: Int, heads: Int, hiddenDim: Int, mlpDim: Int) {
            (self.imageSize, self.patchSize, self.layers) = (imageSize, patchSize, layers)
            (self.heads, self.hiddenDim, self.mlpDim) = (heads, hiddenDim, mlpDim)
        }

        /// torchvision's `vit_b_16`: 224×224 images, 16×16 patches, 12 layers of 12 heads, width 768, MLP 3072.
        public static let vitB16 = Configuration(imageSize: 224, patchSize: 16, layers: 12, heads: 12, hiddenDim: 768,
                                                 mlpDim: 3072)
        /// The number of parameters of the model for `inChannels`-channel images and `classes`
        /// classes (in floating point, so no size overflows): embedding D(c·p² + 1) + D + D·T,
        /// per layer 4D² + 2D·M + M + 9D, final norm 2D, head k(D + 1), T = (size/p)² + 1.
        public func parameterCount(inChannels: Int, classes: Int) -> Double {
            let (d, m, p) = (Double(hiddenDim), Double(mlpDim), Double(patchSize))
            let tokens = (Double(imageSize / patchSize) * Double(imageSize / patchSize)) + 1
            let layer = 4 * d * d + 2 * d * m + m + 9 * d
            return d * (Double(inChannels) * p * p + 1) + d + d * tokens + Double(layers) * layer + 2 * d
                + Double(classes) * (d + 1)
        }

        /// A tiny variant for tests: 32×32 images, 8×8 patches, 2 layers of 4 heads, width 64, MLP 128.
        public static let tiny = Configuration(imageSize: 32, patchSize: 8, layers: 2, heads: 4, hiddenDim: 64, mlpDim: 128)
    }

    /// The sizes this model was built with.
    public let configuration: Configuration
    /// The p×p stride-p patch embedding, `inChannels` → D, with bias (`conv_proj`).
    public let convProj: Conv2d
    /// The learned class token `[1, 1, D]` (`class_token`; initialized N(0, 0.02²)).
    public let classToken: Tensor
    /// The position embeddings, the encoder layers and the final LayerNorm (`encoder`).
    public let encoder: Encoder
    /// The classifier on the class token, D → `classes` logits (`heads.head`).
    public let head: Linear

    /// A randomly initialized model of `configuration` for `inChannels`-channel images and `classes` classes.
    public init(_ configuration: Configuration, inChannels: Int = 3, classes: Int = 1000, seed: UInt64 = 0) {
        let c = configuration, d = c.hiddenDim
        precondition(c.imageSize % c.patchSize == 0, "ViT: image size \(c.imageSize) not divisible by patch \(c.patchSize)")
        var rng = RandomGenerator(seed: seed)
        let tokens = (c.imageSize / c.patchSize) * (c.imageSize / c.patchSize)
        convProj = Conv2d(inChannels, d, kernelSize: c.patchSize, stride: c.patchSize, bias: true, rng: &rng)
        classToken = Tensor.randn([1, 1, d], std: 0.02, using: &rng, requiresGrad: true)
        encoder = Encoder(c, tokens: tokens + 1, rng: &rng)
        head = Linear(d, classes, rng: &rng)
        self.configuration = c
    }

    /// `vit_b_16` or `vit_tv_tiny` when the sizes (any image size) are theirs, so that a
    /// checkpoint's recorded architecture builds this model again; `vit_torchvision` otherwise.
    public override var architecture: String {
        var sizes = configuration
        sizes.imageSize = Configuration.vitB16.imageSize
        if sizes == .vitB16 { return Architecture.vitB16.rawValue }
        sizes.imageSize = Configuration.tiny.imageSize
        return sizes == .tiny ? Architecture.vitTorchvisionTiny.rawValue : "vit_torchvision"
    }

    /// `class_token`, torchvision's name.
    public override func ownParameters() -> [(String, Tensor)] { [("class_token", classToken)] }

    /// `conv_proj`, `encoder` and `heads` (holding `head`), torchvision's names.
    public override func children() -> [(String, Module)] {
        [("conv_proj", convProj), ("encoder", encoder), ("heads", Heads(head: head))]
    }

    /// `embed` (conv_proj, class_token, encoder.pos_embedding), `block1`…`blockN` (one encoder layer each),
    /// `last` (encoder.ln, heads).
    public override var blocks: [Block] {
        [Block("embed", modules: ["conv_proj", "class_token", "encoder.pos_embedding"])]
            + encoder.layers.indices.map { Block("block\($0 + 1)", modules: ["encoder.layers.encoder_layer_\($0)"]) }
            + [Block("last", modules: ["encoder.ln", "heads"])]
    }

    /// Block 0: patch embedding of `[B, C, H, W]` into tokens, the class token prepended and the position
    /// embeddings added, giving `[B, T + 1, D]`; 1…N: one encoder layer; last: `head(ln(x))` of the class
    /// token, giving `[B, classes]`.
    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        switch index {
        case 0:
            let p = convProj(x)  // [B, D, h, w]
            let (b, d) = (p.shape[0], p.shape[1])
            let tokens = p.permuted([0, 2, 3, 1]).reshaped([b, -1, d])  // [B, h·w, D]
            return concat([classToken.expand(to: [b, 1, d]), tokens], axis: 1) + encoder.posEmbedding
        case blocks.count - 1:
            return head(encoder.ln(x).select(axis: 1, index: 0))
        default:
            return encoder.layers[index - 1](x)
        }
    }

    /// torchvision's `encoder`: position embeddings, the layers and the final LayerNorm.
    public final class Encoder: Module {
        /// The learned position embeddings `[1, T + 1, D]` (`pos_embedding`; initialized N(0, 0.02²)).
        public let posEmbedding: Tensor
        /// The encoder layers in order (`layers.encoder_layer_0`, …).
        public let layers: [EncoderLayer]
        /// The final LayerNorm, ε = 10⁻⁶ (`ln`).
        public let ln: LayerNorm

        init(_ c: Configuration, tokens: Int, rng: inout RandomGenerator) {
            posEmbedding = Tensor.randn([1, tokens, c.hiddenDim], std: 0.02, using: &rng, requiresGrad: true)
            layers = (0..<c.layers).map { _ in EncoderLayer(c, rng: &rng) }
            ln = LayerNorm(c.hiddenDim, eps: 1e-6)
        }

        /// `pos_embedding`, torchvision's name.
        public override func ownParameters() -> [(String, Tensor)] { [("pos_embedding", posEmbedding)] }

        /// `layers` (holding `encoder_layer_N`) and `ln`, torchvision's names.
        public override func children() -> [(String, Module)] { [("layers", Layers(layers)), ("ln", ln)] }
    }

    /// Names the encoder layers `encoder_layer_N` as torchvision does.
    final class Layers: Module {
        let layers: [EncoderLayer]
        init(_ layers: [EncoderLayer]) { self.layers = layers }
        override func children() -> [(String, Module)] {
            layers.enumerated().map { ("encoder_layer_\($0.offset)", $0.element) }
        }
    }

    /// Names the classifier `heads.head` as torchvision does.
    final class Heads: Module {
        let head: Linear
        init(head: Linear) { self.head = head }
        override func children() -> [(String, Module)] { [("head", head)] }
    }
}

/// torchvision's `EncoderBlock`: x + attention(ln_1(x)), then x + mlp(ln_2(x)).
public final class TorchvisionEncoderLayer: Module {
    /// The LayerNorm before attention (`ln_1`, ε = 10⁻⁶), the attention (`self_attention`) and the LayerNorm
    /// before the MLP (`ln_2`, ε = 10⁻⁶).
    public let ln1: LayerNorm, selfAttention: TorchvisionSelfAttention, ln2: LayerNorm
    /// `mlp.0` (D → MLP dim) and `mlp.3` (MLP dim → D), an exact GELU between them.
    public let fc1: Linear, fc2: Linear

    init(_ c: TorchvisionViT.Configuration, rng: inout RandomGenerator) {
        ln1 = LayerNorm(c.hiddenDim, eps: 1e-6)
        selfAttention = TorchvisionSelfAttention(dim: c.hiddenDim, heads: c.heads, rng: &rng)
        ln2 = LayerNorm(c.hiddenDim, eps: 1e-6)
        fc1 = Linear(c.hiddenDim, c.mlpDim, rng: &rng)
        fc2 = Linear(c.mlpDim, c.hiddenDim, rng: &rng)
    }

    /// `ln_1`, `self_attention`, `ln_2`, `mlp` (holding `0` and `3`), torchvision's names.
    public override func children() -> [(String, Module)] {
        [("ln_1", ln1), ("self_attention", selfAttention), ("ln_2", ln2), ("mlp", MLPNames(fc1: fc1, fc2: fc2))]
    }

    /// x: [B, T, D] → [B, T, D].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = x + selfAttention(ln1(x))
        return h + fc2(fc1(ln2(h)).gelu())
    }

    /// Names the MLP's linear layers `mlp.0` and `mlp.3` (torchvision's `MLPBlock` is a
    /// Sequential of linear, GELU, dropout, linear, dropout).
    final class MLPNames: Module {
        let fc1: Linear, fc2: Linear
        init(fc1: Linear, fc2: Linear) { (self.fc1, self.fc2) = (fc1, fc2) }
        override func children() -> [(String, Module)] { [("0", fc1), ("3", fc2)] }
    }
}

extension TorchvisionViT {
    /// An encoder layer of a torchvision ViT.
    public typealias EncoderLayer = TorchvisionEncoderLayer
}

/// PyTorch's `nn.MultiheadAttention` used as self-attention (batch first, no masks): the fused
/// projection [Q; K; V] = x·Wᵢₙᵀ + bᵢₙ (`in_proj_weight` [3D, D], `in_proj_bias` [3D]), then
/// softmax(Q·Kᵀ/√d_h)·V per head, heads concatenated and projected by `out_proj`. Gradients
/// flow through the engine's ops (linear, matmul, softmax).
public final class TorchvisionSelfAttention: Module {
    /// Wᵢₙ, the fused query/key/value projection weight `[3D, D]` (`in_proj_weight`; rows Q, then K, then V).
    public let inProjWeight: Tensor
    /// bᵢₙ, the fused projection bias `[3D]` (`in_proj_bias`).
    public let inProjBias: Tensor
    /// The output projection D → D, with bias (`out_proj`).
    public let outProj: Linear
    /// The number of heads h; the head size is D/h.
    public let heads: Int

    init(dim: Int, heads: Int, rng: inout RandomGenerator) {
        precondition(dim % heads == 0, "ViT: width \(dim) not divisible by \(heads) heads")
        let fused = Linear(dim, 3 * dim, rng: &rng)
        (inProjWeight, inProjBias) = (fused.weight, fused.bias!)
        outProj = Linear(dim, dim, rng: &rng)
        self.heads = heads
    }

    /// `in_proj_weight` and `in_proj_bias`, PyTorch's names.
    public override func ownParameters() -> [(String, Tensor)] {
        [("in_proj_weight", inProjWeight), ("in_proj_bias", inProjBias)]
    }

    /// `out_proj`, PyTorch's name.
    public override func children() -> [(String, Module)] { [("out_proj", outProj)] }

    /// x: [B, T, D] → [B, T, D].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        outProj(Attention.attend(linear(x, weight: inProjWeight, bias: inProjBias), heads: heads))
    }
}
