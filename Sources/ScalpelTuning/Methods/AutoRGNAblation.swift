import ScalpelNN

/// Auto-RGN with some of its design choices changed one at a time, to find which one explains
/// how it behaves on a shift (docs/results.md, "Auto-RGN on the label flip"). Without changes
/// it is `AutoRGN(variant: .paper)`: RGN_i = ‖g_i‖₂ / ‖θ_i‖₂ over every tensor, min-max
/// normalized, recomputed every epoch, Adam state kept. Changes (`auto-rgn-ablation:C+C…`):
///
/// - `max`: w_i = RGN_i / max instead of (RGN_i − min) / (max − min) (the authors' normalization);
/// - `no-bn`: BatchNorm parameters never train and are left out of the normalization (the
///   authors' exclusion);
/// - `reset`: the Adam state is reset every epoch (the authors' re-created optimizer);
/// - `once`: the weights are computed before epoch 1 and kept for the whole run instead of
///   recomputed every epoch.
///
/// `max+no-bn+reset` is `auto-rgn:authors`. Every epoch records the weights in use.
public struct AutoRGNAblation: FineTuningMethod {
    /// One design choice of Auto-RGN, changed.
    public enum Change: String, Codable, Sendable, CaseIterable {
        case max
        case noBatchNorm = "no-bn"
        case reset
        case once
    }

    /// The design choices changed from the paper's rule (empty: the paper's rule).
    public let changes: Set<Change>

    /// Auto-RGN with `changes`.
    public init(changes: Set<Change>) { self.changes = changes }

    /// Parses `C+C…` (each a `Change`; at least one, none twice).
    public init(parsing text: String) throws {
        var changes = Set<Change>()
        for part in text.split(separator: "+", omittingEmptySubsequences: false).map(String.init) {
            guard let change = Change(rawValue: part) else {
                throw MethodSpecError("auto-rgn-ablation change '\(part)': expected " +
                                      Change.allCases.map(\.rawValue).joined(separator: ", ") + ", joined by '+'")
            }
            guard changes.insert(change).inserted else {
                throw MethodSpecError("auto-rgn-ablation: '\(part)' is given twice")
            }
        }
        self.init(changes: changes)
    }

    /// Every parameter of `model`, without the BatchNorm ones when `no-bn` is among the changes.
    public func candidates(in model: BlockModel) -> Set<String> {
        let names = allParameterNames(model)
        return changes.contains(.noBatchNorm) ? names.subtracting(batchNormParameterNames(model)) : names
    }

    /// One Auto-RGN run at `point` with `changes` applied.
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        runPolicy(Policy(changes: changes), candidates: candidates(in: session.model), at: point, in: session)
    }

    struct Policy: EpochPolicy {
        let changes: Set<Change>
        var kept: [String: Double]? = nil

        mutating func beforeEpoch(_ epoch: Int, context: EpochContext) -> [String: Double]? {
            if changes.contains(.reset) { context.optimizer.resetState() }
            if changes.contains(.once), let kept { return kept }
            let batches = GradientProbe.batches(of: context.tune, size: context.options.batchSize,
                                                count: AutoRGN.probeBatches, seed: context.seed)
            let rgn = AutoRGN.relativeGradientNorms(model: context.model, names: context.candidates,
                                                    examples: context.tune, batches: batches,
                                                    batchNorm: context.options.batchNorm)
            let w = AutoRGN.weights(rgn, variant: changes.contains(.max) ? .authors : .paper)
            context.setLearningRateScale(w)  // not when a weight is not finite: the run is diverged
            kept = w
            return w
        }
    }
}
