/// Sums and means over all elements or over chosen axes.
///
/// Forward `y = Σ_{axes} x` (mean divides by the reduced count); backward broadcasts the
/// gradient back over the reduced axes (scaled by 1/count for mean).
extension Tensor {
    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let p = pointer
        var total: Double = 0
        for i in 0..<count { total += Double(p[i]) }
        let out = Tensor(Float(total))
        let shape = self.shape, format = self.format
        recordOp("sum", out, [self]) { g, _ in [Tensor(repeating: g.item, shape: shape).converted(to: format)] }
        return out
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { sum() * (1 / Float(count)) }

    /// The sum over `axes` (negative axes count from the end).
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = Set(axes.map { normalizeAxis($0, rank) })
        var t = self.contiguous()
        for axis in axes.sorted() { t = t.sumAxis(axis) }
        if !keepDims { t = t.reshaped(shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)) }
        return t
    }

    /// The mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = Set(axes.map { normalizeAxis($0, rank) }).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Sum over one axis of a contiguous tensor, keeping it as size 1.
    private func sumAxis(_ axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = 1
        let out = Tensor.zeros(outShape)
        let src = pointer, dst = out.pointer
        parallelFor(outer, grain: max(1, 32_768 / max(1, n * inner))) { range in
            for o in range {
                let d = dst + o * inner
                for k in 0..<n {
                    let s = src + (o * n + k) * inner
                    for i in 0..<inner { d[i] += s[i] }
                }
            }
        }
        let inShape = shape
        recordOp("sum_axis", out, [self]) { g, _ in [g.expanded(to: inShape)] }
        return out
    }

    /// This tensor broadcast to `target` (contiguous result, no autodiff).
    func expanded(to target: [Int]) -> Tensor {
        if target == shape && format == .contiguous { return self }
        return gathered(into: target, StridedPlan(outShape: target, outFormat: .contiguous, operands: [self]))
    }
}

func normalizeAxis(_ axis: Int, _ rank: Int) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
    return a
}
