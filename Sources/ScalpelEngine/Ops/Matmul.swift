/// Matrix products.
///
/// matmul: C = A·B with A [M, K], B [K, N]; ∂A = G·Bᵀ, ∂B = Aᵀ·G.
/// Batched: the same for each leading index b of A [B, M, K], B [B, K, N].
/// linear: y = x·Wᵀ + b with x [*, in], W [out, in], b [out] (PyTorch's `F.linear`);
/// ∂x = G·W, ∂W = Gᵀ·x, ∂b = Σ_rows G.
extension Tensor {
    /// Matrix product of rank-2 tensors, or batched product of rank-3 tensors.
    public func matmul(_ other: Tensor) -> Tensor {
        let a = self.contiguous(), b = other.contiguous()
        if a.rank == 2 && b.rank == 2 {
            precondition(a.shape[1] == b.shape[0], "matmul: \(a.shape) × \(b.shape)")
            return batchedMatmul(a.reshaped([1] + a.shape), b.reshaped([1] + b.shape)).reshaped([a.shape[0], b.shape[1]])
        }
        precondition(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0] && a.shape[2] == b.shape[1],
                     "matmul: \(a.shape) × \(b.shape) (need [M,K]×[K,N] or [B,M,K]×[B,K,N])")
        return batchedMatmul(a, b)
    }
}

private func batchedMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
    let out = Tensor(uninitialized: [batch, m, n])
    for i in 0..<batch {
        gemm(transA: false, transB: false, m: m, n: n, k: k, a: a.pointer + i * m * k, lda: k,
             b: b.pointer + i * k * n, ldb: n, c: out.pointer + i * m * n, ldc: n)
    }
    recordOp("bmm", out, [a, b]) { g, needs in
        let g = g.contiguous()
        var ga: Tensor? = nil, gb: Tensor? = nil
        if needs[0] {
            let t = Tensor(uninitialized: a.shape)
            for i in 0..<batch {
                gemm(transA: false, transB: true, m: m, n: k, k: n, a: g.pointer + i * m * n, lda: n,
                     b: b.pointer + i * k * n, ldb: n, c: t.pointer + i * m * k, ldc: k)
            }
            ga = t
        }
        if needs[1] {
            let t = Tensor(uninitialized: b.shape)
            for i in 0..<batch {
                gemm(transA: true, transB: false, m: k, n: n, k: m, a: a.pointer + i * m * k, lda: k,
                     b: g.pointer + i * m * n, ldb: n, c: t.pointer + i * k * n, ldc: n)
            }
            gb = t
        }
        return [ga, gb]
    }
    return out
}

/// y = x·Wᵀ + b over the last dimension of x.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    let x = x.contiguous()
    let inFeatures = x.shape.last!, outFeatures = weight.shape[0]
    precondition(weight.rank == 2 && weight.shape[1] == inFeatures,
                 "linear: input \(x.shape) with weight \(weight.shape)")
    let rows = x.count / inFeatures
    let outShape = Array(x.shape.dropLast()) + [outFeatures]
    let out = Tensor(uninitialized: outShape)
    if let bias {
        precondition(bias.shape == [outFeatures], "linear: bias \(bias.shape) for \(outFeatures) outputs")
        for r in 0..<rows { (out.pointer + r * outFeatures).update(from: bias.pointer, count: outFeatures) }
    }
    gemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures, a: x.pointer, lda: inFeatures,
         b: weight.pointer, ldb: inFeatures, beta: bias == nil ? 0 : 1, c: out.pointer, ldc: outFeatures)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    recordOp("linear", out, inputs) { g, needs in
        let g = g.contiguous()
        var grads: [Tensor?] = [nil, nil, nil]
        if needs[0] {
            let gx = Tensor(uninitialized: x.shape)
            gemm(transA: false, transB: false, m: rows, n: inFeatures, k: outFeatures, a: g.pointer, lda: outFeatures,
                 b: weight.pointer, ldb: inFeatures, c: gx.pointer, ldc: inFeatures)
            grads[0] = gx
        }
        if needs[1] {
            let gw = Tensor(uninitialized: weight.shape)
            gemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows, a: g.pointer, lda: outFeatures,
                 b: x.pointer, ldb: inFeatures, c: gw.pointer, ldc: inFeatures)
            grads[1] = gw
        }
        if needs.count > 2 && needs[2] { grads[2] = g.sumTo([outFeatures]) }
        return Array(grads.prefix(inputs.count))
    }
    return out
}
