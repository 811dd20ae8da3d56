import ScalpelEngine

/// AugMix (Hendrycks et al. 2020), the augmentation of MEMO test-time adaptation
/// (Zhang, Levine & Finn 2021).
///
/// `width` chains each apply `depth` random ``Operation``s (a depth drawn uniformly from 1...3
/// per chain when `depth ≤ 0`); the chains are mixed with Dirichlet(α, …, α) weights `w`, and
/// the mix is blended with the original through a Beta(α, α) skip weight `m`:
/// `x' = (1 - m)·pre(x) + m·Σᵢ wᵢ·pre(chainᵢ(x))`, with `pre` the `preprocess` hook (identity
/// here; normalization happens in the model). A convex combination of [0, 1] images, the
/// result stays in [0, 1].
public struct AugMix: ImageAugmentation {
    /// Operation strength, 1...10 (each magnitude level is drawn from U(0.1, severity)); default 3.
    public let severity: Int
    /// Number of augmentation chains mixed; must be at least 1 (`augment` traps otherwise); default 3.
    public let width: Int
    /// Operations per chain; ≤ 0 (the default, -1) draws 1...3 per chain.
    public let depth: Int
    /// α of the Dirichlet chain weights and of the Beta skip weight; default 1.
    public let alpha: Float

    /// AugMix with MEMO's defaults (severity 3, width 3, random depth, α = 1); values are stored as
    /// given and not checked here.
    public init(severity: Int = 3, width: Int = 3, depth: Int = -1, alpha: Float = 1) {
        self.severity = severity
        self.width = width
        self.depth = depth
        self.alpha = alpha
    }

    /// One AugMix sample of `image` with this configuration (see `augment`).
    public func apply(_ image: Image, rng: inout RandomGenerator) -> Image {
        Self.augment(image, rng: &rng, severity: severity, width: width, depth: depth, alpha: alpha)
    }

    /// One AugMix sample of `image` (see ``AugMix``). Draw order: the Dirichlet weights, the
    /// skip weight, then each chain's depth, operations and magnitudes.
    public static func augment(_ image: Image, rng: inout RandomGenerator, severity: Int = 3, width: Int = 3,
                               depth: Int = -1, alpha: Float = 1,
                               preprocess: (Image) -> Image = { $0 }) -> Image {
        precondition(width >= 1, "AugMix: width must be at least 1")
        let weights = RandomSampling.dirichlet([Float](repeating: alpha, count: width), rng: &rng)
        let m = RandomSampling.beta(alpha, alpha, rng: &rng)
        let ops = Operation.allCases
        var mix: [Float]? = nil
        for i in 0..<width {
            var chain = image
            let d = depth > 0 ? depth : 1 + rng.nextInt(below: 3)
            for _ in 0..<d {
                let op = ops[rng.nextInt(below: ops.count)]
                chain = apply(op, to: chain, severity: severity, rng: &rng)
            }
            let processed = preprocess(chain).pixels
            if mix == nil { mix = [Float](repeating: 0, count: processed.count) }
            for j in processed.indices { mix![j] += weights[i] * processed[j] }
        }
        var out = preprocess(image)
        for j in out.pixels.indices { out.pixels[j] = (1 - m) * out.pixels[j] + m * mix![j] }
        return out
    }
}
