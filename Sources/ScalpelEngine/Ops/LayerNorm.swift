/// Layer normalization over the last dimension (PyTorch's `nn.LayerNorm(D)`).
///
/// Per row x ∈ ℝᴰ: μ = Σ_j x_j / D, σ² = Σ_j (x_j − μ)² / D (biased), r = 1/√(σ² + ε),
/// x̂ = (x − μ)·r, y = x̂ ⊙ w + b (w = 1, b = 0 when absent).
///
/// Backward, with ĝ = g ⊙ w:
/// ∂x = r·(ĝ − mean_j(ĝ) − x̂·mean_j(ĝ ⊙ x̂)),  ∂w = Σ_rows g ⊙ x̂,  ∂b = Σ_rows g.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 1, "layerNorm: input must have at least one dimension")
    let x = x.contiguous()
    let d = x.shape[x.rank - 1], rows = rowCount(x)
    if let weight { precondition(weight.shape == [d], "layerNorm: weight \(weight.shape) for last dimension \(d)") }
    if let bias { precondition(bias.shape == [d], "layerNorm: bias \(bias.shape) for last dimension \(d)") }
    let w = weight?.contiguous(), b = bias?.contiguous()
    let scale = w ?? Tensor.ones([d]), shift = b ?? Tensor.zeros([d])

    let out = Tensor(uninitialized: x.shape)
    let stats = Tensor(uninitialized: [rows, 2])  // per row: μ, r
    let px = x.pointer, py = out.pointer, ps = stats.pointer, pw = scale.pointer, pb = shift.pointer
    let invD = 1 / Float(d)
    parallelRows(rows, width: d) { range in
        for r in range {
            let xr = px + r * d, yr = py + r * d
            let mean = rowSum(xr, d) * invD
            let rstd = 1 / (rowSquaredDeviation(xr, d, mean) * invD + eps).squareRoot()
            ps[2 * r] = mean
            ps[2 * r + 1] = rstd
            for j in 0..<d { yr[j] = (xr[j] - mean) * rstd * pw[j] + pb[j] }
        }
    }

    var inputs = [x]
    if let w { inputs.append(w) }
    if let b { inputs.append(b) }
    let wIndex = w == nil ? nil : 1, bIndex = b == nil ? nil : inputs.count - 1
    let arity = inputs.count
    recordOp("layer_norm", out, inputs) { g, needs in
        let g = g.contiguous()
        let pg = g.pointer, px = x.pointer, ps = stats.pointer, pw = scale.pointer
        var grads = [Tensor?](repeating: nil, count: arity)
        if needs[0] {
            let gx = Tensor(uninitialized: x.shape)
            let po = gx.pointer
            parallelRows(rows, width: d) { range in
                for r in range {
                    let xr = px + r * d, gr = pg + r * d, or = po + r * d
                    let mean = ps[2 * r], rstd = ps[2 * r + 1]
                    // Σ ĝ and Σ ĝ·(x − μ), eight lanes at a time.
                    var a = Lanes(), b = Lanes(), j = 0
                    while j + 8 <= d {
                        let gh = loadLanes(gr + j) * loadLanes(pw + j)
                        a += gh
                        b += gh * (loadLanes(xr + j) - mean)
                        j += 8
                    }
                    var sg = a.sum(), sgc = b.sum()
                    while j < d { let gh = gr[j] * pw[j]; sg += gh; sgc += gh * (xr[j] - mean); j += 1 }
                    let mg = sg * invD, mgx = sgc * rstd * invD
                    for j in 0..<d {
                        let gh = gr[j] * pw[j]
                        or[j] = rstd * (gh - mg - (xr[j] - mean) * rstd * mgx)
                    }
                }
            }
            grads[0] = gx
        }
        let wantW = wIndex.map { needs[$0] } ?? false, wantB = bIndex.map { needs[$0] } ?? false
        if wantW || wantB {
            // Column sums over rows: each chunk of rows accumulates into its own [2, D] partial.
            let chunks = Swift.max(1, Swift.min(Engine.threads, rows * d / 16_384))
            let per = (rows + chunks - 1) / chunks
            let partial = Tensor.zeros([chunks, 2, d])
            let pp = partial.pointer
            parallelFor(chunks, grain: 1) { range in
                for c in range {
                    let dw = pp + c * 2 * d, db = dw + d
                    for r in (c * per)..<Swift.min(rows, (c + 1) * per) {
                        let xr = px + r * d, gr = pg + r * d
                        let mean = ps[2 * r], rstd = ps[2 * r + 1]
                        for j in 0..<d {
                            dw[j] += gr[j] * (xr[j] - mean) * rstd
                            db[j] += gr[j]
                        }
                    }
                }
            }
            let sums = partial.sumTo([1, 2, d])
            let q = sums.pointer
            if wantW, let wIndex { grads[wIndex] = Tensor(shape: [d], data: Array(UnsafeBufferPointer(start: q, count: d))) }
            if wantB, let bIndex { grads[bIndex] = Tensor(shape: [d], data: Array(UnsafeBufferPointer(start: q + d, count: d))) }
        }
        return grads
    }
    return out
}

/// Σ_j (x_j − μ)², eight lanes at a time.
@inline(__always)
func rowSquaredDeviation(_ x: UnsafePointer<Float>, _ n: Int, _ mean: Float) -> Float {
    var acc = Lanes(), j = 0
    while j + 8 <= n { let c = loadLanes(x + j) - mean; acc += c * c; j += 8 }
    var s = acc.sum()
    while j < n { let c = x[j] - mean; s += c * c; j += 1 }
    return s
}
