/// Batch normalization kernels for channels-last data, viewed as rows: x [M, C] with
/// M = N·H·W rows of C contiguous channels.
///
/// Each pass reads the data once. The reductions walk blocks of 64 rows (4-16 KB, in L1) one
/// group of 8, 4 or 1 channels at a time, so the sums stay in registers:
/// - statistics: per block, the mean and Σ(x − mean_block)² (a second sweep over the block,
///   from L1; both relative to the block's first row), merged into Double running values with Chan et al.'s pairwise update
///   (M₂ = M₂ₐ + M₂ᵦ + δ²·nₐnᵦ/n), so large means do not cancel the variance;
/// - backward: Σ G and Σ G·(x − μ) in one sweep.
/// The rows are split into one chunk per thread; chunks merge their partials at the end.
enum BatchNormNHWC {
    /// Rows summed in Float before they are merged into Double.
    static let block = 64

    /// Runs `body(rows, partial)` over blocks of rows, one chunk of blocks per thread; each
    /// chunk's `width` Doubles (zeroed) are passed to `merge` in chunk order afterwards.
    private static func blockwise(rows m: Int, width: Int,
                                  _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void,
                                  merge: (UnsafePointer<Double>) -> Void) {
        let chunks = max(1, min(Engine.threads, m / (4 * block)))
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: chunks * width)
        partial.initialize(repeating: 0, count: chunks * width)
        defer { partial.deallocate() }
        let blocks = (m + block - 1) / block
        let per = (blocks + chunks - 1) / chunks
        parallelFor(chunks, grain: 1) { range in
            for k in range {
                var b = k * per
                while b < min(blocks, (k + 1) * per) {
                    body(b * block..<min(m, (b + 1) * block), partial + k * width)
                    b += 1
                }
            }
        }
        for k in 0..<chunks { merge(partial + k * width) }
    }

    /// Batch mean and biased variance of each channel.
    static func statistics(x: UnsafePointer<Float>, rows m: Int, channels c: Int) -> (mean: [Float], variance: [Float]) {
        // Partials per chunk: count, then c means and c M₂ values.
        var (count, mean, m2) = (0.0, [Double](repeating: 0, count: c), [Double](repeating: 0, count: c))
        blockwise(rows: m, width: 1 + 2 * c, { rows, p in
            var j = 0
            while j + 8 <= c { blockMoments(SIMD8<Float>.self, x, c, rows, p, j); j += 8 }
            while j + 4 <= c { blockMoments(SIMD4<Float>.self, x, c, rows, p, j); j += 4 }
            while j < c { blockMoments(Float.self, x, c, rows, p, j); j += 1 }
            p[0] += Double(rows.count)
        }, merge: { p in
            let n = p[0], total = count + n
            guard n > 0 else { return }
            for j in 0..<c {
                let delta = p[1 + j] - mean[j]
                mean[j] += delta * n / total
                m2[j] += p[1 + c + j] + delta * delta * count * n / total
            }
            count = total
        })
        return (mean.map { Float($0) }, m2.map { Float($0 / Double(m)) })
    }

    /// Merges one block's mean and M₂ of channels j..<j+lanes into the chunk's partial
    /// `p` = [count, means…, M₂…] (Chan's update; p[0] still excludes this block). The block is
    /// summed relative to its first row K, so that Float sums stay small when |μ| ≫ σ.
    @inline(__always)
    private static func blockMoments<V: FloatLanes>(_: V.Type, _ x: UnsafePointer<Float>, _ c: Int, _ rows: Range<Int>,
                                                    _ p: UnsafeMutablePointer<Double>, _ j: Int) {
        let x = x + j
        let k = V(x + rows.lowerBound * c)
        var s = V.zero
        for r in rows { s = s + (V(x + r * c) - k) }
        let nb = Float(rows.count)
        let shift = s * V(repeating: 1 / nb)   // block mean − K
        var q = V.zero
        for r in rows { let d = V(x + r * c) - k - shift; q = q + d * d }
        let n = p[0], total = n + Double(nb)
        for l in 0..<V.lanes {
            let delta = (Double(k[l]) + Double(shift[l])) - p[1 + j + l]
            p[1 + j + l] += delta * Double(nb) / total
            p[1 + c + j + l] += Double(q[l]) + delta * delta * n * Double(nb) / total
        }
    }

    /// y = (x − μ)·a + β per channel, with a = γ·invstd, then max(y, 0) when `relu`. (Not
    /// x·a + b with b = β − μ·a: that cancels when |μ| ≫ σ; the subtraction costs nothing in a
    /// pass bound by memory.)
    static func normalize(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, rows m: Int, channels c: Int,
                          mean: [Float], scale a: [Float], shift beta: [Float], relu: Bool = false) {
        mean.withUnsafeBufferPointer { mu in
            a.withUnsafeBufferPointer { a in
                beta.withUnsafeBufferPointer { b in
                    parallelFor(m, grain: max(1, 16_384 / max(c, 1))) { rows in
                        for r in rows {
                            let xi = x + r * c, yo = out + r * c
                            if relu {
                                for j in 0..<c { yo[j] = Swift.max((xi[j] - mu[j]) * a[j] + b[j], 0) }
                            } else {
                                for j in 0..<c { yo[j] = (xi[j] - mu[j]) * a[j] + b[j] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Σ G and Σ G·(x − μ) per channel, in one pass.
    static func gradientSums(x: UnsafePointer<Float>, gradOut g: UnsafePointer<Float>, mean: [Float],
                             rows m: Int, channels c: Int) -> (sumG: [Double], sumGX: [Double]) {
        var sumG = [Double](repeating: 0, count: c), sumGX = sumG
        mean.withUnsafeBufferPointer { mu in
            blockwise(rows: m, width: 2 * c, { rows, p in
                let mu = mu.baseAddress!
                var j = 0
                while j + 8 <= c { blockGradientSums(SIMD8<Float>.self, x, g, mu, c, rows, p, j); j += 8 }
                while j + 4 <= c { blockGradientSums(SIMD4<Float>.self, x, g, mu, c, rows, p, j); j += 4 }
                while j < c { blockGradientSums(Float.self, x, g, mu, c, rows, p, j); j += 1 }
            }, merge: { p in
                for j in 0..<c { sumG[j] += p[j]; sumGX[j] += p[c + j] }
            })
        }
        return (sumG, sumGX)
    }

    /// Adds one block's Σ G and Σ G·(x − μ) of channels j..<j+lanes into `p` = [Σ G…, Σ G·(x − μ)…].
    @inline(__always)
    private static func blockGradientSums<V: FloatLanes>(_: V.Type, _ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                                                         _ mu: UnsafePointer<Float>, _ c: Int, _ rows: Range<Int>,
                                                         _ p: UnsafeMutablePointer<Double>, _ j: Int) {
        let (x, g, mean) = (x + j, g + j, V(mu + j))
        var s = V.zero, sx = V.zero
        for r in rows {
            let gr = V(g + r * c)
            s = s + gr
            sx = sx + gr * (V(x + r * c) - mean)
        }
        for l in 0..<V.lanes { p[j + l] += Double(s[l]); p[c + j + l] += Double(sx[l]) }
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

/// A Float or a SIMD vector of Floats: the channel group the reductions above are written over.
protocol FloatLanes {
    static var lanes: Int { get }
    static var zero: Self { get }
    init(repeating: Float)
    /// Loads `lanes` consecutive values.
    init(_ p: UnsafePointer<Float>)
    subscript(_ lane: Int) -> Float { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
}

extension Float: FloatLanes {
    static var lanes: Int { 1 }
    init(repeating value: Float) { self = value }
    init(_ p: UnsafePointer<Float>) { self = p.pointee }
    subscript(_ lane: Int) -> Float { self }
}

extension SIMD8: FloatLanes where Scalar == Float {
    static var lanes: Int { 8 }
    init(_ p: UnsafePointer<Float>) { self = UnsafeRawPointer(p).loadUnaligned(as: Self.self) }
}

extension SIMD4: FloatLanes where Scalar == Float {
    static var lanes: Int { 4 }
    init(_ p: UnsafePointer<Float>) { self = UnsafeRawPointer(p).loadUnaligned(as: Self.self) }
}
