/// Slicing, row gathering and broadcasting.
///
/// narrow:      y = x[…, start ..< start + length, …]; ∂x = g placed at those positions, zeros elsewhere.
/// select:      y = x[…, index, …] with the axis dropped (narrow to length 1, then reshape).
/// gatherRows:  y_i = x[indices_i] along axis 0; ∂x_r = Σ_{i : indices_i = r} g_i (scatter-add).
/// expand:      y = x broadcast to a larger shape; ∂x = g summed over the broadcast dimensions.
extension Tensor {
    /// The `length` entries from `start` along `axis`.
    public func narrow(axis: Int, start: Int, length: Int) -> Tensor {
        let a = normalizeAxis(axis, rank)
        let n = shape[a]
        precondition(start >= 0 && length >= 0 && start + length <= n,
                     "narrow: \(start)..<\(start + length) out of range for axis \(a) of size \(n)")
        if start == 0 && length == n { return self }
        let x = contiguous()
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = length
        let out = Tensor(uninitialized: outShape)
        copyBlocks(x.pointer + start * inner, srcStride: n * inner, out.pointer, dstStride: length * inner,
                   blocks: outer, length: length * inner)
        let inShape = shape
        recordOp("narrow", out, [x]) { g, _ in
            let g = g.contiguous()
            let gx = Tensor.zeros(inShape)
            copyBlocks(g.pointer, srcStride: length * inner, gx.pointer + start * inner, dstStride: n * inner,
                       blocks: outer, length: length * inner)
            return [gx]
        }
        return out
    }

    /// The slice at `index` along `axis` (negative counts from the end), without that axis.
    public func select(axis: Int, index: Int) -> Tensor {
        let a = normalizeAxis(axis, rank)
        let i = index < 0 ? index + shape[a] : index
        precondition(i >= 0 && i < shape[a], "select: index \(index) out of range for axis \(a) of size \(shape[a])")
        var outShape = shape
        outShape.remove(at: a)
        return narrow(axis: a, start: i, length: 1).reshaped(outShape)
    }

    /// Rows `indices` of axis 0, in that order (repeats allowed; PyTorch's `index_select(0, …)`).
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatherRows: needs a tensor of rank ≥ 1")
        let rows = shape[0], width = shape.dropFirst().reduce(1, *)
        for r in indices where r < 0 || r >= rows { fatalError("gatherRows: index \(r) out of range 0..<\(rows)") }
        let x = contiguous()
        let out = Tensor(uninitialized: [indices.count] + shape.dropFirst())
        let src = x.pointer, dst = out.pointer
        indices.withUnsafeBufferPointer { idx in
            parallelFor(idx.count, grain: Swift.max(1, 65_536 / Swift.max(1, width))) { range in
                for i in range { (dst + i * width).update(from: src + idx[i] * width, count: width) }
            }
        }
        let inShape = shape
        recordOp("gather_rows", out, [x]) { g, _ in
            let g = g.contiguous()
            let gx = Tensor.zeros(inShape)
            let pg = g.pointer, po = gx.pointer
            // Threads own disjoint column ranges, so repeated indices never race.
            indices.withUnsafeBufferPointer { idx in
                parallelFor(width, grain: Swift.max(1, 32_768 / Swift.max(1, idx.count))) { cols in
                    for (i, r) in idx.enumerated() {
                        let s = pg + i * width, d = po + r * width
                        for j in cols { d[j] += s[j] }
                    }
                }
            }
            return [gx]
        }
        return out
    }

    /// This tensor broadcast to `target` (NumPy rules; −1 keeps a dimension), as a contiguous copy.
    public func expand(to target: [Int]) -> Tensor {
        let off = target.count - rank
        precondition(off >= 0, "expand: cannot expand \(shape) to fewer dimensions \(target)")
        let target = target.enumerated().map { i, d in d == -1 && i >= off ? shape[i - off] : d }
        precondition(broadcastShape(shape, target) == target, "expand: \(shape) cannot be broadcast to \(target)")
        if target == shape { return self }
        let out = expanded(to: target)
        let inShape = shape
        recordOp("expand", out, [self]) { g, _ in [g.sumTo(inShape)] }
        return out
    }
}
