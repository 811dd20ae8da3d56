import ScalpelEngine

/// Multi-head self-attention with a fused query/key/value projection (timm names:
/// `attn.qkv`, `attn.proj`): softmax(Q·Kᵀ/√d_h)·V per head, heads concatenated, projected.
public final class Attention: Module {
    /// The fused query/key/value projection D → 3D, with bias (`qkv`).
    public let qkv: Linear
    /// The output projection D → D, with bias (`proj`).
    public let proj: Linear
    /// The number of heads h; the head size is D/h.
    public let heads: Int

    init(dim: Int, heads: Int, rng: inout RandomGenerator) {
        precondition(dim % heads == 0, "Attention: dim \(dim) not divisible by \(heads) heads")
        qkv = Linear(dim, 3 * dim, rng: &rng)
        proj = Linear(dim, dim, rng: &rng)
        self.heads = heads
    }

    /// `qkv` and `proj`, timm's names.
    public override func children() -> [(String, Module)] { [("qkv", qkv), ("proj", proj)] }

    /// x: [B, T, D] → [B, T, D].
    public func callAsFunction(_ x: Tensor) -> Tensor { proj(Self.attend(qkv(x), heads: heads)) }

    /// The heads' attention before the output projection, from fused projections
    /// [B, T, 3D] (queries, keys, values, each split into `heads` slices of D/heads):
    /// softmax(Q·Kᵀ/√d_h)·V per head, heads concatenated → [B, T, D].
    static func attend(_ qkv: Tensor, heads: Int) -> Tensor {
        let (b, t, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let dh = d / heads
        // [B, T, 3, H, dh] → [3, B, H, T, dh]
        let parts = qkv.reshaped([b, t, 3, heads, dh]).permuted([2, 0, 3, 1, 4])
        let q = parts.select(axis: 0, index: 0).reshaped([b * heads, t, dh])
        let k = parts.select(axis: 0, index: 1).reshaped([b * heads, t, dh])
        let v = parts.select(axis: 0, index: 2).reshaped([b * heads, t, dh])
        let weights = (q.matmul(k.transposed(1, 2)) * (1 / Float(dh).squareRoot())).softmax(axis: -1)
        return weights.matmul(v).reshaped([b, heads, t, dh]).permuted([0, 2, 1, 3]).reshaped([b, t, d])
    }
}

/// The feed-forward part of a transformer block: fc2(GELU(fc1(x))), hidden size = ratio·D.
public final class FeedForward: Module {
    /// The expansion D → hidden, with bias (`fc1`).
    public let fc1: Linear
    /// The projection hidden → D, with bias (`fc2`).
    public let fc2: Linear

    init(dim: Int, hidden: Int, rng: inout RandomGenerator) {
        fc1 = Linear(dim, hidden, rng: &rng)
        fc2 = Linear(hidden, dim, rng: &rng)
    }

    /// `fc1` and `fc2`, timm's names.
    public override func children() -> [(String, Module)] { [("fc1", fc1), ("fc2", fc2)] }

    /// fc2(GELU(fc1(x))) on the last dimension of `x` `[…, D]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { fc2(fc1(x).gelu()) }
}

/// A pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)).
public final class TransformerBlock: Module {
    /// The LayerNorm before attention (ε = 10⁻⁶), the attention, the LayerNorm before the MLP (ε = 10⁻⁶)
    /// and the MLP.
    public let norm1: LayerNorm, attn: Attention, norm2: LayerNorm, mlp: FeedForward

    init(dim: Int, heads: Int, mlpRatio: Int, rng: inout RandomGenerator) {
        norm1 = LayerNorm(dim, eps: 1e-6)
        attn = Attention(dim: dim, heads: heads, rng: &rng)
        norm2 = LayerNorm(dim, eps: 1e-6)
        mlp = FeedForward(dim: dim, hidden: dim * mlpRatio, rng: &rng)
    }

    /// `norm1`, `attn`, `norm2`, `mlp`, timm's names.
    public override func children() -> [(String, Module)] {
        [("norm1", norm1), ("attn", attn), ("norm2", norm2), ("mlp", mlp)]
    }

    /// h = x + attn(norm1(x)), then h + mlp(norm2(h)), on `[B, T, D]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = x + attn(norm1(x))
        return h + mlp(norm2(h))
    }
}

/// A Vision Transformer (Dosovitskiy et al. 2021) with timm's parameter names.
///
/// Patch embedding (a p×p stride-p convolution), a class token, learned position
/// embeddings, `depth` pre-norm transformer blocks, a final LayerNorm, and a linear head on
/// the class token. Defaults are ViT-Tiny's width (192, 3 heads, MLP ratio 4) with 12 blocks.
///
/// Blocks for surgery: `embed` (patch_embed, cls_token, pos_embed), `block1`…`blockN`
/// (blocks.0…), `last` (norm, head).
public final class VisionTransformer: BlockModel {
    /// The p×p stride-p patch embedding, `inChannels` → D, with bias (`patch_embed.proj`).
    public let patchEmbed: Conv2d
    /// The learned class token `[1, 1, D]` (`cls_token`; initialized N(0, 0.02²)).
    public let clsToken: Tensor
    /// The learned position embeddings `[1, T + 1, D]` for T patches plus the class token (`pos_embed`;
    /// initialized N(0, 0.02²)).
    public let posEmbed: Tensor
    /// The `depth` transformer blocks (`blocks.0`, …).
    public let transformerBlocks: ModuleList<TransformerBlock>
    /// The final LayerNorm (ε = 10⁻⁶) (`norm`).
    public let norm: LayerNorm
    /// The classifier on the class token, D → `classes` logits (`head`).
    public let head: Linear
    /// The patch side p in pixels.
    public let patchSize: Int

    /// A freshly initialized ViT drawn from `seed` (a 32×32 input in 4×4 patches, 3 channels, 10 classes,
    /// D = 192, 12 blocks, 3 heads, MLP ratio 4 by default). Preconditions: `imageSize` divisible by
    /// `patchSize` and `dim` by `heads`.
    public init(imageSize: Int = 32, patchSize: Int = 4, inChannels: Int = 3, classes: Int = 10, dim: Int = 192,
                depth: Int = 12, heads: Int = 3, mlpRatio: Int = 4, seed: UInt64 = 0) {
        precondition(imageSize % patchSize == 0, "ViT: image size \(imageSize) not divisible by patch \(patchSize)")
        var rng = RandomGenerator(seed: seed)
        let tokens = (imageSize / patchSize) * (imageSize / patchSize)
        patchEmbed = Conv2d(inChannels, dim, kernelSize: patchSize, stride: patchSize, bias: true, rng: &rng)
        clsToken = Tensor.randn([1, 1, dim], std: 0.02, using: &rng, requiresGrad: true)
        posEmbed = Tensor.randn([1, tokens + 1, dim], std: 0.02, using: &rng, requiresGrad: true)
        transformerBlocks = ModuleList((0..<depth).map { _ in
            TransformerBlock(dim: dim, heads: heads, mlpRatio: mlpRatio, rng: &rng)
        })
        norm = LayerNorm(dim, eps: 1e-6)
        head = Linear(dim, classes, rng: &rng)
        self.patchSize = patchSize
    }

    /// `vit`.
    public override var architecture: String { "vit" }

    /// `cls_token` and `pos_embed` (timm's names).
    public override func ownParameters() -> [(String, Tensor)] { [("cls_token", clsToken), ("pos_embed", posEmbed)] }

    /// `patch_embed` (holding `proj`), `blocks`, `norm`, `head`, timm's names.
    public override func children() -> [(String, Module)] {
        [("patch_embed", PatchEmbedNames(proj: patchEmbed)), ("blocks", transformerBlocks), ("norm", norm), ("head", head)]
    }

    /// `embed` (patch_embed, cls_token, pos_embed), `block1`…`blockN` (blocks.0…), `last` (norm, head).
    public override var blocks: [Block] {
        [Block("embed", modules: ["patch_embed", "cls_token", "pos_embed"])]
            + transformerBlocks.items.indices.map { Block("block\($0 + 1)", modules: ["blocks.\($0)"]) }
            + [Block("last", modules: ["norm", "head"])]
    }

    /// Block 0: patch embedding of `[B, C, H, W]` into tokens, the class token prepended and the position
    /// embeddings added, giving `[B, T + 1, D]`; 1…N: one transformer block; last: `head(norm(x))` of the
    /// class token, giving `[B, classes]`.
    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        switch index {
        case 0:
            let p = patchEmbed(x)  // [B, D, h, w]
            let (b, d) = (p.shape[0], p.shape[1])
            let tokens = p.permuted([0, 2, 3, 1]).reshaped([b, -1, d])
            return concat([clsToken.expand(to: [b, 1, d]), tokens], axis: 1) + posEmbed
        case blocks.count - 1:
            return head(norm(x).select(axis: 1, index: 0))
        default:
            return transformerBlocks.items[index - 1](x)
        }
    }
}

/// Names the patch-embedding convolution `patch_embed.proj` as timm does.
final class PatchEmbedNames: Module {
    let proj: Conv2d
    init(proj: Conv2d) { self.proj = proj }
    override func children() -> [(String, Module)] { [("proj", proj)] }
}
