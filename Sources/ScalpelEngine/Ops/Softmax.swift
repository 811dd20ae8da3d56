#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax and log-softmax.
///
/// softmax:     y_k = e^{x_k − m} / Σ_j e^{x_j − m} with m = max_j x_j (subtracting m keeps every
///              exponent ≤ 0, so large logits cannot overflow); ∂x = y ⊙ (g − Σ_k g_k·y_k).
/// logSoftmax:  y_k = (x_k − m) − log Σ_j e^{x_j − m} (= x_k − lse(x)); ∂x = g − e^{y}·Σ_k g_k.
///
/// Both run row by row over the last axis (vectorized exp and reductions below); another axis
/// is swapped to the end and back.
extension Tensor {
    /// Softmax along `axis` (negative counts from the end).
    public func softmax(axis: Int = -1) -> Tensor {
        let a = normalizeAxis(axis, rank)
        if a != rank - 1 { return transposed(a, -1).softmax().transposed(a, -1) }
        let x = contiguous()
        let d = shape[a], rows = rowCount(x)
        let out = Tensor(uninitialized: shape)
        let px = x.pointer, py = out.pointer
        parallelRows(rows, width: d) { range in
            for r in range {
                let xr = px + r * d, yr = py + r * d
                let inv = 1 / rowExp(xr, d, shift: rowMax(xr, d), into: yr)
                for j in 0..<d { yr[j] *= inv }
            }
        }
        let y = out.detached()
        recordOp("softmax", out, [x]) { g, _ in
            let g = g.contiguous()
            let gx = Tensor(uninitialized: y.shape)
            let pg = g.pointer, py = y.pointer, po = gx.pointer
            parallelRows(rows, width: d) { range in
                for r in range {
                    let gr = pg + r * d, yr = py + r * d, or = po + r * d
                    let dot = rowDot(gr, yr, d)
                    for j in 0..<d { or[j] = yr[j] * (gr[j] - dot) }
                }
            }
            return [gx]
        }
        return out
    }

    /// Log-softmax along `axis` (negative counts from the end).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let a = normalizeAxis(axis, rank)
        if a != rank - 1 { return transposed(a, -1).logSoftmax().transposed(a, -1) }
        let x = contiguous()
        let d = shape[a], rows = rowCount(x)
        let out = Tensor(uninitialized: shape)
        let px = x.pointer, py = out.pointer
        parallelRows(rows, width: d) { range in
            for r in range {
                let xr = px + r * d, yr = py + r * d
                let (m, logSum) = rowMaxAndLogSum(xr, d)
                for j in 0..<d { yr[j] = (xr[j] - m) - logSum }
            }
        }
        let y = out.detached()
        recordOp("log_softmax", out, [x]) { g, _ in
            let g = g.contiguous()
            let gx = Tensor(uninitialized: y.shape)
            let pg = g.pointer, py = y.pointer, po = gx.pointer
            parallelRows(rows, width: d) { range in
                for r in range {
                    let gr = pg + r * d, yr = py + r * d, or = po + r * d
                    let s = rowSum(gr, d)
                    _ = rowExp(yr, d, shift: 0, into: or)
                    for j in 0..<d { or[j] = gr[j] - or[j] * s }
                }
            }
            return [gx]
        }
        return out
    }
}

/// The number of rows of length `shape.last` in a tensor (0 when the last dimension is empty).
@inline(__always)
func rowCount(_ t: Tensor) -> Int {
    let d = t.shape.last ?? 1
    return d == 0 ? 0 : t.count / d
}

/// Runs `body` over ranges of `rows` rows of `width` elements, in parallel when the rows hold
/// enough work (about 16K elements per thread) to pay for the dispatch.
@inline(__always)
func parallelRows(_ rows: Int, width: Int, _ body: (Range<Int>) -> Void) {
    parallelFor(rows, grain: Swift.max(1, 16_384 / Swift.max(1, width)), body)
}

/// For one row of `d` values: m = max_j x_j and log Σ_j e^{x_j − m}, so that
/// log p_k = (x_k − m) − logSum without the rounding of forming lse(x) = m + logSum
/// (which loses the small terms next to large logits).
@inline(__always)
func rowMaxAndLogSum(_ x: UnsafePointer<Float>, _ d: Int) -> (max: Float, logSum: Float) {
    let m = rowMax(x, d)
    return (m, logf(rowExp(x, d, shift: m, into: nil)))
}

// MARK: - Row kernels, eight lanes at a time
//
// A plain `s += x[j]` loop is one serial chain of dependent adds that the compiler may not
// reorder; eight independent lanes let it run at vector speed.

typealias Lanes = SIMD8<Float>

@inline(__always) func loadLanes(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

/// Σ_j x_j.
@inline(__always)
func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(), j = 0
    while j + 8 <= n { acc += loadLanes(x + j); j += 8 }
    var s = acc.sum()
    while j < n { s += x[j]; j += 1 }
    return s
}

/// Σ_j a_j·b_j.
@inline(__always)
func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(), j = 0
    while j + 8 <= n { acc += loadLanes(a + j) * loadLanes(b + j); j += 8 }
    var s = acc.sum()
    while j < n { s += a[j] * b[j]; j += 1 }
    return s
}

/// max_j x_j (−∞ for an empty row).
@inline(__always)
func rowMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(repeating: -.infinity), j = 0
    while j + 8 <= n { let v = loadLanes(x + j); acc.replace(with: v, where: v .> acc); j += 8 }
    var m = acc.max()
    while j < n { m = Swift.max(m, x[j]); j += 1 }
    return m
}

/// Σ_j e^{x_j − shift}, also storing each term in `dst` when given (`dst` may be `x`).
@inline(__always)
func rowExp(_ x: UnsafePointer<Float>, _ n: Int, shift: Float, into dst: UnsafeMutablePointer<Float>?) -> Float {
    var acc = Lanes(), j = 0
    while j + 8 <= n {
        let e = fastExp(loadLanes(x + j) - shift)
        if let dst { storeLanes(e, dst + j) }
        acc += e
        j += 8
    }
    if j < n {  // the tail, padded with −∞ (whose exponential is 0)
        var v = Lanes(repeating: -.infinity)
        for i in 0..<(n - j) { v[i] = x[j + i] }
        let e = fastExp(v - shift)
        if let dst { for i in 0..<(n - j) { dst[j + i] = e[i] } }
        acc += e
    }
    return acc.sum()
}

/// eˣ per lane, within about 1 ulp of `expf` (0 below −87.3, ∞ above 88.7, NaN stays NaN).
///
/// eˣ = 2ⁿ·eʳ with n = round(x/ln 2) and r = x − n·ln 2 ∈ [−ln 2/2, ln 2/2] (ln 2 split in
/// two parts so n·ln 2 is exact); eʳ by its degree-7 Taylor–minimax polynomial (Cephes' expf
/// coefficients); 2ⁿ built directly in the exponent bits.
@inline(__always)
func fastExp(_ x: Lanes) -> Lanes {
    let underflow = x .< -87.3
    var x = x
    x.replace(with: -87.3, where: underflow)
    x.replace(with: 88.7, where: x .> 88.7)
    let magic = Lanes(repeating: 12_582_912)  // 1.5·2²³: adding it rounds to an integer
    let k = x * 1.442_695_04 + magic
    let n = k - magic
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = Lanes(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let er = p * r * r + r + 1
    // The low bits of k hold n + 0x40_0000; move n + 127 into the exponent field.
    let bits = (unsafeBitCast(k, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    var y = er * unsafeBitCast(bits, to: Lanes.self)
    y.replace(with: 0, where: underflow)
    return y
}
