/// Batch normalization kernels for channels-last data, viewed as rows: x [M, C] with
/// M = N·H·W rows of C contiguous channels.
///
/// The data is read row by row in memory order (so the hardware prefetcher streams it), with
/// the per-channel sums in a Float scratch row of C values (in L1 for every C a network here
/// has). Every `block` rows the Float sums go into Double partials and are cleared, so no
/// Float sum has more than `block` terms:
/// - statistics: per block, its mean and Σ(x − mean_block)² (a second sweep over the block,
///   from cache), both relative to the block's first row, merged into Double running values
///   with Chan et al.'s pairwise update (M₂ = M₂ₐ + M₂ᵦ + δ²·nₐnᵦ/n), so large means do not
///   cancel the variance;
/// - backward: Σ G and Σ G·(x − μ) in one sweep, G masked by [y > 0] on the fly when the
///   forward ended in a ReLU.
/// The rows are split into one chunk per thread; chunks merge their partials at the end, in
/// chunk order.
enum BatchNormNHWC {
    /// Rows summed in Float before they are added into Double.
    static let block = 32

    /// Runs `body(rows, partial, scratch)` over blocks of rows, one chunk of blocks per thread;
    /// each chunk has `width` Doubles (zeroed) and `scratch` Floats of its own, and its Doubles
    /// are passed to `merge` in chunk order afterwards.
    private static func blockwise(rows m: Int, width: Int, scratch: Int,
                                  _ body: (Range<Int>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Float>) -> Void,
                                  merge: (UnsafePointer<Double>) -> Void) {
        let chunks = max(1, min(Engine.threads, m / (8 * block)))
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: chunks * width)
        partial.initialize(repeating: 0, count: chunks * width)
        let floats = UnsafeMutablePointer<Float>.allocate(capacity: chunks * scratch)
        floats.initialize(repeating: 0, count: chunks * scratch)
        defer { partial.deallocate(); floats.deallocate() }
        let blocks = (m + block - 1) / block
        let per = (blocks + chunks - 1) / chunks
        parallelFor(chunks, grain: 1) { range in
            for k in range {
                var b = k * per
                while b < min(blocks, (k + 1) * per) {
                    body(b * block..<min(m, (b + 1) * block), partial + k * width, floats + k * scratch)
                    b += 1
                }
            }
        }
        for k in 0..<chunks { merge(partial + k * width) }
    }

    /// Adds the `n` Floats of `f` into the Doubles of `d` and clears `f`.
    @inline(__always)
    private static func drain(_ f: UnsafeMutablePointer<Float>, into d: UnsafeMutablePointer<Double>, _ n: Int) {
        for j in 0..<n { d[j] += Double(f[j]); f[j] = 0 }
    }

    /// Batch mean and biased variance of each channel.
    static func statistics(x: UnsafePointer<Float>, rows m: Int, channels c: Int) -> (mean: [Float], variance: [Float]) {
        // Partials per chunk: count, then c means and c M₂ values.
        var (count, mean, m2) = (0.0, [Double](repeating: 0, count: c), [Double](repeating: 0, count: c))
        blockwise(rows: m, width: 1 + 2 * c, scratch: 2 * c, { rows, p, f in
            blockMoments(x, c, rows, p, f)
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

    /// Merges one block's mean and M₂ into the chunk's partial `p` = [count, means…, M₂…]
    /// (Chan's update). Two sweeps over the block's rows (the second from cache): s = Σ(x − K)
    /// relative to the block's first row K, then q = Σ(x − K − s/n)², so Float sums stay small
    /// when |μ| ≫ σ. `f` is 2c Floats of zeros, left zeroed.
    @inline(__always)
    private static func blockMoments(_ x: UnsafePointer<Float>, _ c: Int, _ rows: Range<Int>,
                                     _ p: UnsafeMutablePointer<Double>, _ f: UnsafeMutablePointer<Float>) {
        let k = x + rows.lowerBound * c, s = f, q = f + c
        for r in rows.dropFirst() { accumulateDifference(x + r * c, k, s, c) }
        let nb = Float(rows.count)
        for j in 0..<c { s[j] /= nb }  // block mean − K
        for r in rows { accumulateSquares(x + r * c, k, s, q, c) }
        let n = p[0], total = n + Double(nb)
        for j in 0..<c {
            let delta = (Double(k[j]) + Double(s[j])) - p[1 + j]
            p[1 + j] += delta * Double(nb) / total
            p[1 + c + j] += Double(q[j]) + delta * delta * n * Double(nb) / total
            s[j] = 0
            q[j] = 0
        }
        p[0] = total
    }

    /// s += x − k over one row of `c` channels.
    @inline(__always)
    private static func accumulateDifference(_ x: UnsafePointer<Float>, _ k: UnsafePointer<Float>,
                                             _ s: UnsafeMutablePointer<Float>, _ c: Int) {
        var j = 0
        while j + 8 <= c {
            (SIMD8<Float>(s + j) + (SIMD8<Float>(x + j) - SIMD8<Float>(k + j))).store(to: s + j)
            j += 8
        }
        while j < c { s[j] += x[j] - k[j]; j += 1 }
    }

    /// q += (x − k − shift)² over one row of `c` channels.
    @inline(__always)
    private static func accumulateSquares(_ x: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ shift: UnsafePointer<Float>,
                                          _ q: UnsafeMutablePointer<Float>, _ c: Int) {
        var j = 0
        while j + 8 <= c {
            let d = SIMD8<Float>(x + j) - SIMD8<Float>(k + j) - SIMD8<Float>(shift + j)
            (SIMD8<Float>(q + j) + d * d).store(to: q + j)
            j += 8
        }
        while j < c { let d = x[j] - k[j] - shift[j]; q[j] += d * d; j += 1 }
    }

    /// Σ G and Σ G·(x − μ) per channel, in one pass; with `relu` (the forward's output y),
    /// G is taken as G·[y > 0].
    static func gradientSums(x: UnsafePointer<Float>, gradOut g: UnsafePointer<Float>, relu y: UnsafePointer<Float>? = nil,
                             mean: [Float], rows m: Int, channels c: Int) -> (sumG: [Double], sumGX: [Double]) {
        var sumG = [Double](repeating: 0, count: c), sumGX = sumG
        mean.withUnsafeBufferPointer { mu in
            let mu = mu.baseAddress!
            blockwise(rows: m, width: 2 * c, scratch: 2 * c, { rows, p, f in
                if let y {
                    for r in rows { accumulateGradient(x + r * c, g + r * c, y + r * c, mu, f, f + c, c) }
                } else {
                    for r in rows { accumulateGradient(x + r * c, g + r * c, nil, mu, f, f + c, c) }
                }
                drain(f, into: p, 2 * c)
            }, merge: { p in
                for j in 0..<c { sumG[j] += p[j]; sumGX[j] += p[c + j] }
            })
        }
        return (sumG, sumGX)
    }

    /// s += G, sx += G·(x − μ) over one row, G masked by [y > 0] when `y` is given.
    @inline(__always)
    private static func accumulateGradient(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>?,
                                           _ mu: UnsafePointer<Float>, _ s: UnsafeMutablePointer<Float>,
                                           _ sx: UnsafeMutablePointer<Float>, _ c: Int) {
        var j = 0
        while j + 8 <= c {
            var gv = SIMD8<Float>(g + j)
            if let y { gv.replace(with: 0, where: .!(SIMD8<Float>(y + j) .> 0)) }
            (SIMD8<Float>(s + j) + gv).store(to: s + j)
            (SIMD8<Float>(sx + j) + gv * (SIMD8<Float>(x + j) - SIMD8<Float>(mu + j))).store(to: sx + j)
            j += 8
        }
        while j < c {
            let gj = y.map { $0[j] > 0 ? g[j] : 0 } ?? g[j]
            s[j] += gj
            sx[j] += gj * (x[j] - mu[j])
            j += 1
        }
    }
}

extension SIMD8 where Scalar == Float {
    /// Loads 8 consecutive values.
    @inline(__always)
    init(_ p: UnsafePointer<Float>) { self = UnsafeRawPointer(p).loadUnaligned(as: Self.self) }

    /// Stores the 8 values at `p`.
    @inline(__always)
    func store(to p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self) }
}
