/// How a tensor's elements are laid out in memory.
///
/// Shapes are always logical (images are `[N, C, H, W]`, as in PyTorch). A 4-D tensor may be
/// stored `channelsLast` (physically `[N, H, W, C]`), the layout in which oneDNN's convolution
/// and batch-norm kernels are fastest; everything a user reads or writes is in logical order.
public enum MemoryFormat: Sendable, Equatable {
    /// Row-major in the logical order of `shape` (PyTorch's `contiguous_format`).
    case contiguous
    /// A 4-D `[N, C, H, W]` tensor stored as `[N, H, W, C]` (PyTorch's `channels_last`).
    case channelsLast
}

/// A dense Float32 tensor that records the operations applied to it for reverse-mode autodiff.
///
/// Tensors are reference types: a parameter is one `Tensor` whose storage the optimizer updates
/// in place, and whose `grad` accumulates over `backward()` calls.
public final class Tensor {
    /// The logical shape.
    public let shape: [Int]
    /// The physical layout of `storage`.
    public let format: MemoryFormat
    let storage: Storage

    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs);
    /// results of operations get it from their inputs.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after `backward()`.
    public var grad: Tensor?
    /// The operation that produced this tensor, when it was recorded for autodiff.
    var gradFn: GradNode?

    /// The number of elements.
    public var count: Int { storage.count }
    /// The number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }
    /// Whether this tensor is a leaf of the graph (not produced by a recorded operation).
    public var isLeaf: Bool { gradFn == nil }

    init(shape: [Int], format: MemoryFormat = .contiguous, storage: Storage, requiresGrad: Bool = false) {
        precondition(format == .contiguous || shape.count == 4, "channelsLast needs a 4-D shape")
        self.shape = shape
        self.format = format
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// An uninitialized tensor (kernels fill it).
    init(uninitialized shape: [Int], format: MemoryFormat = .contiguous) {
        self.shape = shape
        self.format = format
        self.storage = Storage(count: shape.reduce(1, *))
        self.requiresGrad = false
    }

    /// A tensor holding `data` in logical row-major order.
    public convenience init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        let n = shape.reduce(1, *)
        precondition(data.count == n, "Tensor: \(data.count) values for shape \(shape) (\(n) expected)")
        self.init(uninitialized: shape)
        data.withUnsafeBufferPointer { src in
            storage.pointer.update(from: src.baseAddress!, count: n)
        }
        self.requiresGrad = requiresGrad
    }

    /// A scalar (rank-0) tensor.
    public convenience init(_ value: Float) { self.init(shape: [], data: [value]) }

    /// A tensor of the given shape filled with `value`.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(uninitialized: shape)
        storage.pointer.update(repeating: value, count: count)
        self.requiresGrad = requiresGrad
    }

    /// A contiguous tensor of the given shape filled with 0.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// A contiguous tensor of the given shape filled with 1.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 1, shape: shape, requiresGrad: requiresGrad)
    }

    /// Values from the standard normal distribution, scaled by `std`.
    public static func randn(_ shape: [Int], std: Float = 1, using rng: inout RandomGenerator,
                             requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.storage.pointer[i] = rng.nextNormal() * std }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Values uniform in `[low, high)`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout RandomGenerator,
                               requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.storage.pointer[i] = low + (high - low) * rng.nextFloat() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// The elements in logical row-major order.
    public func toArray() -> [Float] {
        let t = contiguous()
        return Array(UnsafeBufferPointer(start: t.storage.pointer, count: t.count))
    }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item: tensor has \(count) elements")
        return storage.pointer[0]
    }

    /// The element at a logical index.
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "subscript: \(index.count) indices for rank \(rank)")
        return storage.pointer[physicalOffset(index)]
    }

    func physicalOffset(_ index: [Int]) -> Int {
        if format == .channelsLast {
            let (c, h, w) = (shape[1], shape[2], shape[3])
            return ((index[0] * h + index[2]) * w + index[3]) * c + index[1]
        }
        var off = 0
        for (i, d) in zip(index, shape) { off = off * d + i }
        return off
    }

    /// A tensor sharing no storage and no graph with this one (`detach().clone()` in PyTorch).
    public func clone() -> Tensor {
        let t = Tensor(uninitialized: shape, format: format)
        t.storage.pointer.update(from: storage.pointer, count: count)
        return t
    }

    /// The same values, cut from the graph; shares storage.
    public func detached() -> Tensor {
        Tensor(shape: shape, format: format, storage: storage)
    }

    /// Read-only access to the physical buffer.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Mutable access to the physical buffer (optimizers update parameters in place).
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Copies the values of `other` (same logical shape) into this tensor's storage, in place.
    public func copyValues(from other: Tensor) {
        precondition(other.shape == shape, "copyValues: shape \(other.shape) into \(shape)")
        let src = other.format == format ? other : other.converted(to: format)
        storage.pointer.update(from: src.storage.pointer, count: count)
    }

    var pointer: UnsafeMutablePointer<Float> { storage.pointer }
}

extension Tensor: CustomStringConvertible {
    /// `Tensor(shape: …[, channelsLast], [v0, v1, …])`: the shape and the first 8 values in logical order.
    public var description: String {
        let values = toArray()
        let shown = values.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape)\(format == .channelsLast ? ", channelsLast" : ""), [\(shown)\(values.count > 8 ? ", …" : "")])"
    }
}

func shapeCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// Row-major strides of a shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s *= shape[i]
    }
    return strides
}
