import ScalpelEngine

/// The two-layer network of the paper's analysis (Section 3): f(x) = vᵀ φ(B x),
/// with B = `fc1.weight` [hidden, in], v = `fc2.weight` [out, hidden], no biases,
/// and φ = ReLU or the identity.
///
/// Blocks for surgery: `first` (B) and `last` (v).
public final class TwoLayerNetwork: BlockModel {
    public enum Activation: String, Sendable { case relu, identity }
    public let fc1: Linear
    public let fc2: Linear
    public let activation: Activation

    public init(inputs: Int, hidden: Int, outputs: Int = 1, activation: Activation = .relu, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        fc1 = Linear(inputs, hidden, bias: false, rng: &rng)
        fc2 = Linear(hidden, outputs, bias: false, rng: &rng)
        self.activation = activation
    }

    public override var architecture: String { "mlp2" }

    public override func children() -> [(String, Module)] { [("fc1", fc1), ("fc2", fc2)] }

    public override var blocks: [Block] { [Block("first", modules: ["fc1"]), Block("last", modules: ["fc2"])] }

    public override func forward(block index: Int, _ x: Tensor) -> Tensor {
        if index == 0 {
            let h = fc1(x.rank > 2 ? x.flattened() : x)
            return activation == .relu ? h.relu() : h
        }
        return fc2(x)
    }
}
