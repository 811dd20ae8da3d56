import ArgumentParser
import ScalpelAdaptation
import ScalpelNN

/// The library settings `scalpel adapt`'s flags describe.
extension AdaptCommand {
    /// The weighting `--prior-counts` names.
    var priorCounting: PriorCounting {
        get throws {
            guard let counts = PriorCounting(rawValue: priorCounts) else {
                throw ValidationError("--prior-counts must be one or each, got '\(priorCounts)'")
            }
            return counts
        }
    }

    /// The BatchNorm prior strength `--prior` names; nil for inf (running statistics only).
    var priorStrength: Float? {
        get throws {
            if ["inf", "infinity", "none"].contains(prior.lowercased()) { return nil }
            guard let n = Float(prior), n >= 0, !n.isNaN else {
                throw ValidationError("--prior must be a number ≥ 0 or inf, got '\(prior)'")
            }
            return n.isFinite ? n : nil
        }
    }

    /// The mode the run adapts in: TENT is always online; MEMO's is `--mode` (episodic by default).
    var adaptationMode: AdaptationMode {
        method == .tent ? .online : mode ?? .episodic
    }

    /// The settings the flags describe (validated by `validate()`).
    func settings() throws -> AdaptationSettings {
        let adaptationOptimizer = chosenOptimizer
        let selection = try Selection(parsing: tune).description
        return method == .tent
            ? .tent(selection: selection, optimizer: adaptationOptimizer, batchSize: batchSize)
            : .memo(mode: adaptationMode, selection: selection, optimizer: adaptationOptimizer, augmentations: augmentations,
                    steps: steps, augmixSeverity: augmixSeverity, priorStrength: try priorStrength,
                    priorCounts: try priorCounting)
    }
}

extension AdaptationMethod: ExpressibleByArgument {}
extension AdaptationMode: ExpressibleByArgument {}
extension AdaptationOptimizer.Kind: ExpressibleByArgument {}
