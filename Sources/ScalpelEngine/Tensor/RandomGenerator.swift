/// A seeded, reproducible random number generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in Scalpel (initialization, data splits, augmentations, corruptions)
/// draws from one of these, so a seed reproduces a run exactly on any machine.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64
    private var spareNormal: Float?

    /// A generator whose 256-bit state is expanded from `seed` by SplitMix64; any seed (0 too) is valid,
    /// and equal seeds give equal streams.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits (xoshiro256** step).
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Standard normal (Box–Muller, both values used).
    public mutating func nextNormal() -> Float {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = nextDouble()
        while u1 <= 1e-300 { u1 = nextDouble() }
        let u2 = nextDouble()
        let r = (-2 * _log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = Float(r * _sin(theta))
        return Float(r * _cos(theta))
    }

    /// Uniform integer in `0..<bound`.
    public mutating func nextInt(below bound: Int) -> Int { Int.random(in: 0..<bound, using: &self) }

    /// A generator derived from this one's seed and a stream id, independent of draw order.
    public static func derived(seed: UInt64, stream: UInt64) -> RandomGenerator {
        RandomGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xD1B5_4A32_D192_ED03 &+ 1)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
