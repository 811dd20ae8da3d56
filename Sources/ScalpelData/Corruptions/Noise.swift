import Foundation
import ScalpelEngine

// Noise corruptions. Pixel values x ∈ [0, 1]; every channel of every pixel draws its own noise.

extension Corruptions {
    /// Additive Gaussian noise: `x' = clip(x + N(0, c²))`, c = [0.04, 0.06, 0.08, 0.09, 0.10].
    static func gaussianNoise(_ image: Image, _ s: Int, _ rng: inout RandomGenerator) -> Image {
        let c: Float = [0.04, 0.06, 0.08, 0.09, 0.10][s]
        var p = image.pixels
        for i in p.indices { p[i] += c * rng.nextNormal() }
        return image.withClampedPixels(p)
    }

    /// Shot (Poisson) noise: `x' = clip(Poisson(c·x) / c)`, c = [500, 250, 100, 75, 50]
    /// photons at full intensity.
    static func shotNoise(_ image: Image, _ s: Int, _ rng: inout RandomGenerator) -> Image {
        let c: Double = [500, 250, 100, 75, 50][s]
        var p = image.pixels
        for i in p.indices {
            p[i] = Float(Double(PixelOps.samplePoisson(Double(max(p[i], 0)) * c, &rng)) / c)
        }
        return image.withClampedPixels(p)
    }

    /// Impulse (salt-and-pepper) noise: each value independently becomes 0 or 1 (equally likely)
    /// with probability c = [0.01, 0.02, 0.03, 0.05, 0.07].
    static func impulseNoise(_ image: Image, _ s: Int, _ rng: inout RandomGenerator) -> Image {
        let c: Float = [0.01, 0.02, 0.03, 0.05, 0.07][s]
        var p = image.pixels
        for i in p.indices {
            let u = rng.nextFloat()
            if u < c { p[i] = u < c / 2 ? 0 : 1 }
        }
        return image.withClampedPixels(p)
    }

    /// Speckle (multiplicative Gaussian) noise: `x' = clip(x + x·N(0, c²))`,
    /// c = [0.06, 0.10, 0.12, 0.16, 0.20].
    static func speckleNoise(_ image: Image, _ s: Int, _ rng: inout RandomGenerator) -> Image {
        let c: Float = [0.06, 0.10, 0.12, 0.16, 0.20][s]
        var p = image.pixels
        for i in p.indices { p[i] += p[i] * c * rng.nextNormal() }
        return image.withClampedPixels(p)
    }
}

extension PixelOps {
    /// A Poisson(λ) sample: Knuth's product-of-uniforms method for λ < 10, Hörmann's transformed
    /// rejection with squeeze (PTRS, 1993) above.
    static func samplePoisson(_ lambda: Double, _ rng: inout RandomGenerator) -> Int {
        if lambda <= 0 { return 0 }
        if lambda < 10 {
            let limit = exp(-lambda)
            var k = 0
            var prod = rng.nextDouble()
            while prod > limit {
                k += 1
                prod *= rng.nextDouble()
            }
            return k
        }
        let sl = lambda.squareRoot(), logl = log(lambda)
        let b = 0.931 + 2.53 * sl
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = rng.nextDouble() - 0.5
            let v = rng.nextDouble()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -lambda + k * logl - lgamma(k + 1) {
                return Int(k)
            }
        }
    }
}
