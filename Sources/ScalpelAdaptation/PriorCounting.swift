/// How MEMO counts its batch of B augmented copies of one test image in BatchNorm's test-time
/// prior of strength N (`TestTimeNormalization.prior`).
///
/// While adapting, every BatchNorm layer normalizes the augmented batch with
/// μ = (N·μ_source + w·μ_batch)/(N + w) and σ² = (N·σ²_source + w·σ²_batch)/(N + w), where
/// μ_source, σ²_source are the running statistics and μ_batch, σ²_batch those of the B copies:
///
/// - `augmentedBatchAsOneImage`: w = 1. The B copies are one test image, as in MEMO's code
///   (`imagenet-exps`: the augmented batch has weight 1/(N + 1) when adapting and when
///   predicting). Implemented as the layer's prior N·B over a batch of B:
///   (N·B·μ_source + B·μ_batch)/(N·B + B) = (N·μ_source + μ_batch)/(N + 1).
/// - `eachAugmentation`: w = B. Every copy counts as an image (this tool's weighting before
///   issue 17): with N = 16 and B = 32 the one image supplies 2/3 of every layer's statistics.
///
/// Prediction on the un-augmented image (a batch of 1) uses prior N under both: w = 1.
/// `docs/results.md (Online MEMO)` measures the difference (online MEMO, `block1`: 66.2 → 70.0 at 500 images).
public enum PriorCounting: String, Sendable, Codable, CaseIterable {
    /// w = 1: the augmented batch counts as one image (MEMO's code; the default).
    case augmentedBatchAsOneImage = "one"
    /// w = B: every augmented copy counts as an image (the weighting before issue 17).
    case eachAugmentation = "each"

    /// The prior strength to give BatchNorm while adapting on `augmentations` copies so that the
    /// batch has weight w: N·B for `augmentedBatchAsOneImage`, N for `eachAugmentation`.
    public func adaptationPrior(strength n: Float, augmentations b: Int) -> Float {
        switch self {
        case .augmentedBatchAsOneImage: n * Float(b)
        case .eachAugmentation: n
        }
    }
}
