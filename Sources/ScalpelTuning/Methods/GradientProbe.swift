import ScalpelEngine
import ScalpelNN

/// Gradients of the fine-tuning loss that Auto-RGN and Auto-SNR look at before an epoch,
/// measured without side effects: the `requiresGrad` flags, gradients, module modes and BatchNorm
/// running statistics of the model are as before afterwards.
enum GradientProbe {
    /// ∇θ of the mean cross-entropy on `examples[indices]` for every parameter in `names`,
    /// with BatchNorm as the run trains it (`batchNorm`).
    static func gradients(of names: Set<String>, model: BlockModel, examples: ExampleSet, indices: [Int],
                          batchNorm: BatchNormPolicy) -> [String: [Float]] {
        let flags = model.namedParameters().map { ($0.1, $0.1.requiresGrad) }
        let buffers = model.namedBuffers().map { ($0.1.tensor, $0.1.tensor.clone()) }
        defer {
            for (p, f) in flags { p.requiresGrad = f }
            for (live, saved) in buffers { live.copyValues(from: saved) }
            model.zeroGrad()
        }
        model.freeze()
        model.unfreeze(names)
        model.zeroGrad()
        model.withMode(.train(batchNorm: batchNorm)) {
            let (x, y) = examples.batch(indices)
            let logits = model.forward(blocks: examples.startBlock..<model.blocks.count, x)
            crossEntropy(logits, targets: y).backward()
        }
        var out: [String: [Float]] = [:]
        for (name, p) in model.namedParameters() where names.contains(name) {
            out[name] = p.grad?.toArray() ?? [Float](repeating: 0, count: p.count)
        }
        return out
    }

    /// `count` batches of `size` indices from a permutation of the tuning set seeded by `seed`.
    static func batches(of examples: ExampleSet, size: Int, count: Int, seed: UInt64) -> [[Int]] {
        var rng = RandomGenerator.derived(seed: seed, stream: 77)
        var order = Array(0..<examples.count)
        order.shuffle(using: &rng)
        return stride(from: 0, to: order.count, by: size).prefix(count).map {
            Array(order[$0..<min(order.count, $0 + size)])
        }
    }
}

/// The Euclidean norm of a vector, accumulated in Double.
func l2Norm(_ v: [Float]) -> Double { v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

/// Scales values to [0, 1]: (v − min) / (max − min); all 1 when every value is equal.
func minMaxNormalized(_ values: [String: Double]) -> [String: Double] {
    guard let lo = values.values.min(), let hi = values.values.max() else { return [:] }
    guard hi > lo else { return values.mapValues { _ in 1 } }
    return values.mapValues { ($0 - lo) / (hi - lo) }
}
