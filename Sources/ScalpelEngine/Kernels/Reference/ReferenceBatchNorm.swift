/// Batch normalization as plain loops over a logical NCHW buffer (contiguous), in Double.
///
/// With M = N·H·W values per channel c, statistics μ, σ² (batch or running), invstd = 1/√(σ²+ε),
/// x̂ = (x − μ)·invstd:
///   y = γ·x̂ + β
///   ∂γ = Σ ∂y·x̂,  ∂β = Σ ∂y
///   ∂x = (γ·invstd/M)·(M·∂y − Σ∂y − x̂·Σ(∂y·x̂))   with batch statistics (training)
///   ∂x = ∂y·γ·invstd                                with fixed statistics (evaluation)
enum ReferenceBatchNorm {
    /// Per-channel batch mean and biased variance (divided by M).
    static func statistics(n: Int, c: Int, hw: Int, x: UnsafePointer<Float>) -> (mean: [Float], variance: [Float]) {
        var mean = [Float](repeating: 0, count: c), variance = mean
        let m = Double(n * hw)
        for ch in 0..<c {
            var s: Double = 0
            for b in 0..<n { for p in 0..<hw { s += Double(x[(b * c + ch) * hw + p]) } }
            let mu = s / m
            var ss: Double = 0
            for b in 0..<n { for p in 0..<hw { let d = Double(x[(b * c + ch) * hw + p]) - mu; ss += d * d } }
            mean[ch] = Float(mu)
            variance[ch] = Float(ss / m)
        }
        return (mean, variance)
    }

    static func forward(n: Int, c: Int, hw: Int, x: UnsafePointer<Float>, mean: [Float], variance: [Float], eps: Float,
                        gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        for ch in 0..<c {
            let invstd = 1 / (Double(variance[ch]) + Double(eps)).squareRoot()
            let g = Double(gamma?[ch] ?? 1), b = Double(beta?[ch] ?? 0)
            for bn in 0..<n {
                for p in 0..<hw {
                    let i = (bn * c + ch) * hw + p
                    out[i] = Float(g * (Double(x[i]) - Double(mean[ch])) * invstd + b)
                }
            }
        }
    }

    /// Writes whichever of ∂x, ∂γ, ∂β is given a buffer.
    static func backward(n: Int, c: Int, hw: Int, x: UnsafePointer<Float>, gradOut: UnsafePointer<Float>,
                         mean: [Float], variance: [Float], eps: Float, gamma: UnsafePointer<Float>?, batchStats: Bool,
                         gradInput: UnsafeMutablePointer<Float>?, gradGamma: UnsafeMutablePointer<Float>?,
                         gradBeta: UnsafeMutablePointer<Float>?) {
        let m = Double(n * hw)
        for ch in 0..<c {
            let invstd = 1 / (Double(variance[ch]) + Double(eps)).squareRoot()
            let mu = Double(mean[ch]), g = Double(gamma?[ch] ?? 1)
            var sumDy: Double = 0, sumDyXhat: Double = 0
            for bn in 0..<n {
                for p in 0..<hw {
                    let i = (bn * c + ch) * hw + p
                    sumDy += Double(gradOut[i])
                    sumDyXhat += Double(gradOut[i]) * (Double(x[i]) - mu) * invstd
                }
            }
            gradGamma?[ch] = Float(sumDyXhat)
            gradBeta?[ch] = Float(sumDy)
            guard let gradInput else { continue }
            for bn in 0..<n {
                for p in 0..<hw {
                    let i = (bn * c + ch) * hw + p
                    let dy = Double(gradOut[i])
                    if batchStats {
                        let xhat = (Double(x[i]) - mu) * invstd
                        gradInput[i] = Float(g * invstd / m * (m * dy - sumDy - xhat * sumDyXhat))
                    } else {
                        gradInput[i] = Float(dy * g * invstd)
                    }
                }
            }
        }
    }
}
