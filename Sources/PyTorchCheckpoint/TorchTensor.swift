import SafeTensors

/// A tensor read from a `.pth` file: its element type, shape and values as contiguous
/// little-endian bytes in row-major order (views and shared storages are already resolved).
public struct TorchTensor: Sendable, Equatable {
    /// The element type (PyTorch's `torch.float32` is `F32`, `torch.int64` is `I64`, …).
    public let dtype: DType
    /// The shape (`[]` for a scalar).
    public let shape: [Int]
    /// `shape`'s element count × `dtype.size` bytes, row-major.
    public let bytes: [UInt8]

    /// The tensor as a value to write to a safetensors file, keeping its dtype.
    public var value: TensorValue { .raw(dtype, shape: shape, bytes: bytes) }
}

extension TorchTensor {
    /// Copies the strided view `reference` of `storage` (the storage's bytes, already checked to
    /// hold every element the view reaches) into a contiguous tensor.
    init(_ reference: TensorReference, dtype: DType, storage: ArraySlice<UInt8>) {
        let e = dtype.size
        let shape = reference.shape, strides = reference.strides
        let count = shape.reduce(1, *)
        self.dtype = dtype
        self.shape = shape
        guard count > 0 else { self.bytes = []; return }
        var contiguous = true, expected = 1
        for d in shape.indices.reversed() where shape[d] != 1 {
            if strides[d] != expected { contiguous = false; break }
            expected *= shape[d]
        }
        let base = storage.startIndex + reference.offset * e
        if contiguous {
            self.bytes = Array(storage[base..<(base + count * e)])
            return
        }
        var out = [UInt8](repeating: 0, count: count * e)
        let rank = shape.count
        let inner = shape[rank - 1], innerStride = strides[rank - 1] * e
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var written = 0
                let start = base - storage.startIndex
                while written < count * e {
                    var from = start
                    for d in 0..<(rank - 1) { from += index[d] * strides[d] * e }
                    for _ in 0..<inner {
                        for b in 0..<e { dst[written + b] = src[from + b] }
                        written += e
                        from += innerStride
                    }
                    var d = rank - 2
                    while d >= 0 {
                        index[d] += 1
                        if index[d] < shape[d] { break }
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        self.bytes = out
    }
}
