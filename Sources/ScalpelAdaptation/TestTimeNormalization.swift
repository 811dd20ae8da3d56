import ScalpelNN

/// How BatchNorm normalizes while a model adapts at test time.
///
/// - `running`: evaluation mode, the pre-trained running statistics (a prior of +∞).
/// - `prior(N)`: MEMO's adaptation (Schneider et al. 2020): a batch of B images is normalized
///   with μ = (N·μ_run + B·μ_batch)/(N + B) and the same mix of variances; running statistics
///   unchanged. MEMO counts its B augmented copies of one image as B or as one image
///   (`PriorCounting`) by passing N or N·B here.
/// - `batch`: training mode, the batch's own statistics (TENT). The running statistics would
///   update; adapters restore them so that only what they train changes.
public enum TestTimeNormalization: Sendable, Equatable, CustomStringConvertible {
    case running
    case prior(Float)
    case batch

    /// From a prior strength: nil or +∞ means `running`.
    public init(priorStrength: Float?) {
        if let n = priorStrength, n.isFinite {
            precondition(n >= 0, "TestTimeNormalization: prior strength must be ≥ 0, got \(n)")
            self = .prior(n)
        } else {
            self = .running
        }
    }

    /// A short phrase naming the statistics BatchNorm uses (and the prior strength).
    public var description: String {
        switch self {
        case .running: "running statistics (eval mode)"
        case .prior(let n): "running statistics mixed with the batch's, prior strength \(n)"
        case .batch: "batch statistics (train mode)"
        }
    }
}

extension Module {
    /// Puts every module in evaluation mode except BatchNorm, which follows `normalization`.
    public func setTestTimeNormalization(_ normalization: TestTimeNormalization) {
        eval()
        for (_, m) in namedModules() {
            guard let bn = m as? BatchNorm2d else { continue }
            switch normalization {
            case .running: bn.testTimePrior = nil
            case .prior(let n): bn.testTimePrior = n
            case .batch:
                bn.testTimePrior = nil
                bn.isTraining = true
            }
        }
    }
}
