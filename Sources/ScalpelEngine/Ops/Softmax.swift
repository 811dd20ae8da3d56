#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax and log-softmax.
///
/// softmax:     y_k = e^{x_k − m} / Σ_j e^{x_j − m} with m = max_j x_j (subtracting m keeps every
///              exponent ≤ 0, so large logits cannot overflow); ∂x = y ⊙ (g − Σ_k g_k·y_k).
/// logSoftmax:  y_k = x_k − lse(x) with lse(x) = m + log Σ_j e^{x_j − m}; ∂x = g − e^{y}·Σ_k g_k.
///
/// Both run row by row over the last axis; another axis is swapped to the end and back.
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
                var m = -Float.infinity
                for j in 0..<d { m = Swift.max(m, xr[j]) }
                var s: Float = 0
                for j in 0..<d { let e = expf(xr[j] - m); yr[j] = e; s += e }
                let inv = 1 / s
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
                    var dot: Float = 0
                    for j in 0..<d { dot += gr[j] * yr[j] }
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
                let lse = rowLogSumExp(xr, d)
                for j in 0..<d { yr[j] = xr[j] - lse }
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
                    var s: Float = 0
                    for j in 0..<d { s += gr[j] }
                    for j in 0..<d { or[j] = gr[j] - expf(yr[j]) * s }
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

/// log Σ_j e^{x_j} over one row of `d` values, computed stably as m + log Σ_j e^{x_j − m}.
@inline(__always)
func rowLogSumExp(_ x: UnsafePointer<Float>, _ d: Int) -> Float {
    var m = -Float.infinity
    for j in 0..<d { m = Swift.max(m, x[j]) }
    var s: Float = 0
    for j in 0..<d { s += expf(x[j] - m) }
    return m + logf(s)
}
