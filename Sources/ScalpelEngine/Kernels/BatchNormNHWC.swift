/// Batch normalization kernels for channels-last data, viewed as rows: x [M, C] with
/// M = N·H·W rows of C contiguous channels.
///
/// Statistics take two passes (mean, then Σ(x − μ)²) with Float partial sums over blocks of
/// rows added into Double, so large means do not cancel the variance. Every loop runs over
/// channels innermost (contiguous, vectorizable) and splits rows across threads.
enum BatchNormNHWC {
    /// Rows summed in Float before the running total is carried in Double.
    static let block = 64

    /// Per-channel Σ f(x_row, c) over all rows, split across threads.
    private static func channelSums(rows m: Int, c: Int,
                                    _ accumulate: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) -> [Double] {
        let chunks = max(1, min(Engine.threads, m / 256))
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: chunks * c)
        partial.initialize(repeating: 0, count: chunks * c)
        defer { partial.deallocate() }
        let per = (m + chunks - 1) / chunks
        parallelFor(chunks, grain: 1) { range in
            let local = UnsafeMutablePointer<Float>.allocate(capacity: c)
            defer { local.deallocate() }
            for k in range {
                let lo = k * per, hi = min(m, lo + per)
                var start = lo
                while start < hi {
                    local.update(repeating: 0, count: c)
                    let end = min(hi, start + block)
                    accumulate(start..<end, local)
                    let p = partial + k * c
                    for j in 0..<c { p[j] += Double(local[j]) }
                    start = end
                }
            }
        }
        var out = [Double](repeating: 0, count: c)
        for k in 0..<chunks { for j in 0..<c { out[j] += partial[k * c + j] } }
        return out
    }

    /// Batch mean and biased variance of each channel.
    static func statistics(x: UnsafePointer<Float>, rows m: Int, channels c: Int) -> (mean: [Float], variance: [Float]) {
        let sums = channelSums(rows: m, c: c) { rows, acc in
            for r in rows { let row = x + r * c; for j in 0..<c { acc[j] += row[j] } }
        }
        let mean = sums.map { Float($0 / Double(m)) }
        let squares = mean.withUnsafeBufferPointer { mu in
            channelSums(rows: m, c: c) { rows, acc in
                for r in rows {
                    let row = x + r * c
                    for j in 0..<c { let d = row[j] - mu[j]; acc[j] += d * d }
                }
            }
        }
        return (mean, squares.map { Float($0 / Double(m)) })
    }

    /// y = x·a + b per channel, with a = γ·invstd and b = β − μ·a.
    static func normalize(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, rows m: Int, channels c: Int,
                          scale a: [Float], shift b: [Float]) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                parallelFor(m, grain: max(1, 16_384 / max(c, 1))) { rows in
                    for r in rows {
                        let xi = x + r * c, yo = out + r * c
                        for j in 0..<c { yo[j] = xi[j] * a[j] + b[j] }
                    }
                }
            }
        }
    }

    /// Σ G and Σ G·(x − μ) per channel.
    static func gradientSums(x: UnsafePointer<Float>, gradOut g: UnsafePointer<Float>, mean: [Float],
                             rows m: Int, channels c: Int) -> (sumG: [Double], sumGX: [Double]) {
        mean.withUnsafeBufferPointer { mu in
            let sumG = channelSums(rows: m, c: c) { rows, acc in
                for r in rows { let gr = g + r * c; for j in 0..<c { acc[j] += gr[j] } }
            }
            let sumGX = channelSums(rows: m, c: c) { rows, acc in
                for r in rows {
                    let gr = g + r * c, xr = x + r * c
                    for j in 0..<c { acc[j] += gr[j] * (xr[j] - mu[j]) }
                }
            }
            return (sumG, sumGX)
        }
    }

    /// ∂x = p·G + q·(x − μ) + s per channel (the affine form of both BN backward formulas).
    static func inputGradient(x: UnsafePointer<Float>, gradOut g: UnsafePointer<Float>, gradInput dx: UnsafeMutablePointer<Float>,
                              rows m: Int, channels c: Int, mean: [Float], p: [Float], q: [Float], s: [Float]) {
        mean.withUnsafeBufferPointer { mu in
            p.withUnsafeBufferPointer { p in
                q.withUnsafeBufferPointer { q in
                    s.withUnsafeBufferPointer { s in
                        parallelFor(m, grain: max(1, 16_384 / max(c, 1))) { rows in
                            for r in rows {
                                let gr = g + r * c, xr = x + r * c, o = dx + r * c
                                for j in 0..<c { o[j] = p[j] * gr[j] + q[j] * (xr[j] - mu[j]) + s[j] }
                            }
                        }
                    }
                }
            }
        }
    }
}
