/// Reshaping and reordering of dimensions.
extension Tensor {
    /// The same elements in a new shape (row-major order); one dimension may be -1.
    /// Shares storage when the tensor is contiguous. Backward reshapes the gradient back.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let i = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            newShape[i] = known == 0 ? 0 : count / known
        }
        precondition(shapeCount(newShape) == count, "reshape: \(shape) (\(count) elements) to \(newShape)")
        let src = contiguous()
        let out = Tensor(shape: newShape, storage: src.storage)
        let oldShape = shape
        recordOp("reshape", out, [src]) { g, _ in [g.reshaped(oldShape)] }
        return out
    }

    /// Flattens dimensions `startDim...` into one (PyTorch's `flatten(start_dim)`).
    public func flattened(from startDim: Int = 1) -> Tensor {
        reshaped(Array(shape[..<startDim]) + [shape[startDim...].reduce(1, *)])
    }

    /// Reorders dimensions: output dimension i is input dimension `order[i]`.
    /// Backward applies the inverse permutation.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permute: \(order) is not a permutation of 0..<\(rank)")
        let newShape = order.map { shape[$0] }
        let ls = logicalStrides(self)
        let out = gathered(into: newShape, StridedPlan(dims: newShape, strides: [order.map { ls[$0] }]))
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in order.enumerated() { inverse[d] = i }
        recordOp("permute", out, [self]) { g, _ in [g.permuted(inverse)] }
        return out
    }

    /// Swaps two dimensions.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(normalizeAxis(a, rank), normalizeAxis(b, rank))
        return permuted(order)
    }
}
