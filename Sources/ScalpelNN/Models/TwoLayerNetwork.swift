import ScalpelEngine

/// The two-layer network of the paper's analysis (Section 3): f(x) = vᵀ φ(B x),
/// with B = `fc1.weight` [hidden, in], v = `fc2.weight` [out, hidden], no biases,
/// and φ = ReLU or the identity.
///
/// Blocks for surgery: `first` (B) and `last` (v).
public final class TwoLayerNetwork: BlockModel {
    /// φ, the hidden activation: ReLU or the identity (a linear network).
    public enum Activation: String, Sendable { case relu, identity }
    /// B, `[hidden, in]`, no bias (`fc1`).
    public let fc1: Linear
    /// v, `[out, hidden]`, no bias (`fc2`).
    public let fc2: Linear
    /// φ, applied after `fc1`.
    public let activation: Activation

    /// f(x) = vᵀ φ(B x) with `inputs` inputs, `hidden` hidden units and `outputs` outputs (default 1),
    /// B and v drawn from `seed` as PyTorch's default `Linear` initialization. Sizes are not validated here.
    public init(inputs: Int, hidden: Int, outputs: Int = 1, activation: Activation = .relu, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        fc1 = Linear(inputs, hidden, bias: false, rng: &rng)
        fc2 = Linear(hidden, outputs, bias: false, rng: &rng)
        self.activation = activation
    }

    /// `mlp2`.
    public override var architecture: String { "mlp2" }

    /// `fc1` and `fc2`.
    public override func children() -> [(String, Module)] { [("fc1", fc1), ("fc2", fc2)] }

    /// `first` (fc1, i.e. B) and `last` (fc2, i.e. v).
    public override var blocks: [Block] { [Block("first", modules: ["fc1"]), Block("last", modules: ["fc2"])] }

    /// Block 0: φ(B x), flattening `x` to `[N, inputs]` when its rank is above 2; block 1: v h, giving `[N, outputs]`.
    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        if index == 0 {
            let h = fc1(x.rank > 2 ? x.flattened() : x)
            return activation == .relu ? h.relu() : h
        }
        return fc2(x)
    }
}
