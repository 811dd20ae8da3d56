import Foundation
import ScalpelEngine

/// Gamma, Beta and Dirichlet samples drawn from a `RandomGenerator` (ScalpelEngine).
public enum RandomSampling {
    /// A Gamma(`shape`, 1) sample, by Marsaglia & Tsang (2000): for shape a ≥ 1, with
    /// d = a - ⅓ and c = 1/√(9d), draw x ~ N(0, 1), v = (1 + cx)³ until v > 0 and
    /// u < 1 - 0.0331x⁴ or log u < x²/2 + d(1 - v + log v), and return d·v; for a < 1,
    /// Gamma(a + 1) · u^(1/a).
    public static func gamma(shape: Float, rng: inout RandomGenerator) -> Float {
        precondition(shape > 0, "RandomSampling.gamma: shape must be positive")
        if shape < 1 {
            let g = gamma(shape: shape + 1, rng: &rng)
            var u = rng.nextDouble()
            while u <= 0 { u = rng.nextDouble() }
            return g * Float(pow(u, 1 / Double(shape)))
        }
        let d = Double(shape) - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = Double(rng.nextNormal())
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextDouble()
            if u < 1 - 0.0331 * x * x * x * x { return Float(d * v) }
            if u > 0 && log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return Float(d * v) }
        }
    }

    /// A Beta(a, b) sample: X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    public static func beta(_ a: Float, _ b: Float, rng: inout RandomGenerator) -> Float {
        let x = gamma(shape: a, rng: &rng), y = gamma(shape: b, rng: &rng)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// A Dirichlet(α) sample: independent Gamma(αᵢ) draws, normalized to sum to 1.
    public static func dirichlet(_ alpha: [Float], rng: inout RandomGenerator) -> [Float] {
        let g = alpha.map { gamma(shape: $0, rng: &rng) }
        let total = g.reduce(0, +)
        guard total > 0 else { return [Float](repeating: 1 / Float(alpha.count), count: alpha.count) }
        return g.map { $0 / total }
    }
}
