import ScalpelEngine
import ScalpelNN

/// Auto-RGN (the paper's Section 4): one run of full fine-tuning in which each parameter
/// tensor i gets its own learning rate from its relative gradient norm,
///
///     RGN_i = ‖g_i‖₂ / ‖θ_i‖₂,     η_i = η · w_i,
///
/// recomputed at the start of every epoch from the gradient of the mean cross-entropy on the
/// first 5 mini-batches of a seeded shuffle of the tuning set (RGN averaged over them;
/// ‖θ_i‖ floored at 1e-12). Layers whose gradients are large relative to their weights — the
/// ones the shift "asks" to change — move fastest.
///
/// Variants (`auto-rgn[:paper|authors]`):
/// - `paper` (default): w_i = (RGN_i − min) / (max − min) over all tensors, as the paper states
///   ("normalized between 0 and 1"); the least-moving tensor gets weight 0.
/// - `authors`: as the authors' code: w_i = RGN_i / max; BatchNorm parameters excluded (never
///   trained); the Adam state reset every epoch (their code re-creates the optimizer).
///
/// The weights of every epoch are recorded per tensor (`EpochRecord.tensorWeights`: the data
/// of the paper's Figure 6).
public struct AutoRGN: FineTuningMethod {
    /// How the relative gradient norms become weights: `paper` (min-max over all tensors) or
    /// `authors` (divided by the max, BatchNorm excluded, Adam state reset each epoch).
    public enum Variant: String, Codable, Sendable {
        case paper, authors
    }

    /// The normalization rule this instance uses.
    public let variant: Variant
    /// Mini-batches averaged per epoch.
    public static let probeBatches = 5

    /// Auto-RGN with `variant` (the paper's min-max rule by default).
    public init(variant: Variant = .paper) { self.variant = variant }

    /// Every parameter of `model`, without the BatchNorm ones for the `authors` variant.
    public func candidates(in model: BlockModel) -> Set<String> {
        let names = allParameterNames(model)
        return variant == .authors ? names.subtracting(batchNormParameterNames(model)) : names
    }

    /// One run at `point` training `candidates(in:)` with per-tensor learning rates η·w_i, recomputed every epoch.
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        runPolicy(Policy(variant: variant), candidates: candidates(in: session.model), at: point, in: session)
    }

    /// RGN_i averaged over `batches` of `examples`, for every tensor in `names`.
    public static func relativeGradientNorms(model: BlockModel, names: Set<String>, examples: ExampleSet,
                                             batches: [[Int]], batchNorm: BatchNormPolicy) -> [String: Double] {
        let values = Dictionary(uniqueKeysWithValues: model.namedParameters().filter { names.contains($0.0) }
            .map { ($0.0, max(l2Norm($0.1.toArray()), 1e-12)) })
        var sums = values.mapValues { _ in 0.0 }
        for batch in batches {
            let g = GradientProbe.gradients(of: names, model: model, examples: examples, indices: batch,
                                            batchNorm: batchNorm)
            for (name, norm) in values { sums[name, default: 0] += l2Norm(g[name]!) / norm }
        }
        return sums.mapValues { $0 / Double(max(batches.count, 1)) }
    }

    /// The learning-rate weights of one epoch from the RGN values.
    public static func weights(_ rgn: [String: Double], variant: Variant) -> [String: Double] {
        switch variant {
        case .paper: return minMaxNormalized(rgn)
        case .authors:
            let top = rgn.values.max() ?? 0
            return top > 0 ? rgn.mapValues { $0 / top } : rgn.mapValues { _ in 1 }
        }
    }

    struct Policy: EpochPolicy {
        let variant: Variant

        mutating func beforeEpoch(_ epoch: Int, context: EpochContext) -> [String: Double]? {
            let batches = GradientProbe.batches(of: context.tune, size: context.options.batchSize,
                                                count: AutoRGN.probeBatches, seed: context.seed)
            let rgn = AutoRGN.relativeGradientNorms(model: context.model, names: context.candidates,
                                                    examples: context.tune, batches: batches,
                                                    batchNorm: context.options.batchNorm)
            let w = AutoRGN.weights(rgn, variant: variant)
            context.setLearningRateScale(w)  // not when a weight is not finite: the run is diverged
            if variant == .authors { context.optimizer.resetState() }
            return w
        }
    }
}

/// Names of the parameters owned by BatchNorm layers (their affine scale and shift).
public func batchNormParameterNames(_ model: BlockModel) -> Set<String> {
    var out = Set<String>()
    for (prefix, module) in model.namedModules() where module is BatchNorm2d {
        for (name, _) in module.ownParameters() { out.insert(prefix.isEmpty ? name : "\(prefix).\(name)") }
    }
    return out
}
