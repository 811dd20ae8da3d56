/// Whole samples (index 0 of the shape) copied between tensors, without autodiff.
///
/// In both memory formats each sample of an `[N, …]` tensor is one contiguous block, so
/// selecting or stacking samples is a block copy that keeps the format — how cached
/// activations of a frozen prefix are batched without reorders.
extension Tensor {
    /// The samples at `indices` (repeats allowed), in this tensor's format. Not recorded.
    public func samples(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "samples: needs a tensor of rank ≥ 1")
        let n = shape[0], width = count / max(n, 1)
        for i in indices where i < 0 || i >= n { fatalError("samples: index \(i) out of range 0..<\(n)") }
        let out = Tensor(uninitialized: [indices.count] + shape.dropFirst(), format: format)
        let src = pointer, dst = out.pointer
        indices.withUnsafeBufferPointer { idx in
            parallelFor(idx.count, grain: max(1, 65_536 / max(1, width))) { range in
                for i in range { (dst + i * width).update(from: src + idx[i] * width, count: width) }
            }
        }
        return out
    }

    /// The samples of `parts` one after another along axis 0 (equal trailing shapes;
    /// the result takes the first part's format). Not recorded.
    public static func stackingSamples(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "stackingSamples: no tensors")
        let first = parts[0]
        let tail = Array(first.shape.dropFirst())
        for p in parts {
            precondition(Array(p.shape.dropFirst()) == tail, "stackingSamples: shape \(p.shape) vs \(first.shape)")
        }
        let total = parts.reduce(0) { $0 + $1.shape[0] }
        let out = Tensor(uninitialized: [total] + tail, format: first.format)
        var offset = 0
        for p in parts {
            let q = p.format == first.format ? p : p.converted(to: first.format)
            (out.pointer + offset).update(from: q.pointer, count: q.count)
            offset += q.count
        }
        return out
    }

    /// Whether any element is NaN or infinite.
    public var hasNonFinite: Bool {
        let p = pointer
        for i in 0..<count where !p[i].isFinite { return true }
        return false
    }
}
