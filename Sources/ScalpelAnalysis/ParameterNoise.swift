import ScalpelEngine
import ScalpelNN

/// The synthetic shift of the paper's Section 3.3: Gaussian noise added to the parameters of
/// one block of a pre-trained model.
///
/// For every parameter tensor θ_i of the block (convolution and linear weights and biases,
/// BatchNorm γ and β; not BatchNorm's running statistics):
///
///     θ_i ← θ_i + s · σ_i · ε_i,   ε_i ~ N(0, I),   σ_i = std of θ_i's entries (population),
///
/// so the scale s is relative to each tensor's own spread (s = 1 is noise as large as the
/// weights' variation). A tensor whose entries are all equal (σ_i = 0) is left unchanged.
/// The noise of tensor i is drawn from a generator derived from (seed, i), so the same seed
/// gives the same perturbation.
///
/// How the paper uses it (and so does `NoiseGrid`): the noised copy is the model that is
/// fine-tuned (its θ⁰), and the target data are clean images of the source distribution. The
/// "shift" between what the model computes and what the data need is then localized in the
/// noised block by construction.
public enum ParameterNoise {
    /// Perturbs the parameters of `block` in place; returns the names of the tensors changed.
    @discardableResult
    public static func perturb(_ model: BlockModel, block: String, scale: Float, seed: UInt64) throws -> [String] {
        guard let target = model.blocks.first(where: { $0.name == block }) else {
            throw SelectionError.unknownBlock(block, available: model.blockNames)
        }
        var changed: [String] = []
        for (index, (name, tensor)) in model.namedParameters().enumerated() where target.contains(name) {
            let sigma = standardDeviation(tensor)
            guard sigma > 0 else { continue }
            var rng = RandomGenerator.derived(seed: seed, stream: 500 + UInt64(index))
            tensor.withUnsafeMutableBufferPointer { values in
                for j in values.indices { values[j] += scale * sigma * rng.nextNormal() }
            }
            changed.append(name)
        }
        return changed
    }

    /// The population standard deviation of a tensor's entries (accumulated in Double).
    public static func standardDeviation(_ t: Tensor) -> Float {
        let values = t.toArray()
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        return Float(variance.squareRoot())
    }
}
