/// Concatenation along an axis.
///
/// out = [t₀ | t₁ | … ] along `axis` (the other dimensions agree); backward gives each input
/// its own slice of the gradient: ∂tᵢ = g[…, offᵢ ..< offᵢ + sizeᵢ, …].
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat: no tensors")
    let first = tensors[0]
    let a = normalizeAxis(axis, first.rank)
    for t in tensors {
        precondition(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                     "concat: shape \(t.shape) does not match \(first.shape) outside axis \(a)")
    }
    if tensors.count == 1 { return first }
    let parts = tensors.map { $0.contiguous() }
    let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
    let sizes = parts.map { $0.shape[a] }
    let total = sizes.reduce(0, +)
    var outShape = first.shape
    outShape[a] = total
    let out = Tensor(uninitialized: outShape)
    var offset = 0
    for (p, s) in zip(parts, sizes) {
        copyBlocks(p.pointer, srcStride: s * inner, out.pointer + offset * inner, dstStride: total * inner,
                   blocks: outer, length: s * inner)
        offset += s
    }
    let shapes = parts.map(\.shape)
    recordOp("concat", out, parts) { g, needs in
        let g = g.contiguous()
        var grads: [Tensor?] = []
        var offset = 0
        for (i, s) in sizes.enumerated() {
            if needs[i] {
                let gi = Tensor(uninitialized: shapes[i])
                copyBlocks(g.pointer + offset * inner, srcStride: total * inner, gi.pointer, dstStride: s * inner,
                           blocks: outer, length: s * inner)
                grads.append(gi)
            } else {
                grads.append(nil)
            }
            offset += s
        }
        return grads
    }
    return out
}

/// Copies `blocks` runs of `length` floats: dst[b·dstStride + i] = src[b·srcStride + i].
func copyBlocks(_ src: UnsafePointer<Float>, srcStride: Int, _ dst: UnsafeMutablePointer<Float>, dstStride: Int,
                blocks: Int, length: Int) {
    guard length > 0 else { return }
    parallelFor(blocks, grain: Swift.max(1, 65_536 / length)) { range in
        for b in range { (dst + b * dstStride).update(from: src + b * srcStride, count: length) }
    }
}
