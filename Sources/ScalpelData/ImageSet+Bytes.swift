/// The per-channel normalization a uint8-backed `ImageSet` applies when it converts to Float:
/// `x = b / 255`, then `(x − mean[c]) / std[c]` (one value applies to every channel) — the same
/// operations, in the same order, as scaling and `Preprocessing` do on Float pixels.
public struct PixelScale: Sendable, Equatable {
    /// Per-channel means (one value or one per channel).
    public var mean: [Float]
    /// Per-channel standard deviations (one value or one per channel).
    public var std: [Float]

    /// Creates a normalization; `mean` and `std` hold one value or one per channel.
    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }
}

/// An `ImageSet`'s pixel buffer: Float pixels, or uint8 samples with the normalization that
/// turns them into Float pixels.
enum PixelStorage: Sendable {
    case floats([Float])
    case bytes([UInt8], PixelScale?)

    /// The Float pixels of the images at `indices`, concatenated.
    func floats(of indices: [Int], imageSize n: Int, channels: Int, plane: Int) -> [Float] {
        switch self {
        case .floats(let p):
            var out = [Float]()
            out.reserveCapacity(indices.count * n)
            for i in indices { out.append(contentsOf: p[(i * n)..<((i + 1) * n)]) }
            return out
        case .bytes(let b, let scale):
            return [Float](unsafeUninitializedCapacity: indices.count * n) { out, initialized in
                b.withUnsafeBufferPointer { src in
                    for (k, i) in indices.enumerated() {
                        Self.convert(UnsafeBufferPointer(rebasing: src[(i * n)..<((i + 1) * n)]),
                                     into: UnsafeMutableBufferPointer(rebasing: out[(k * n)..<((k + 1) * n)]),
                                     channels: channels, plane: plane, scale: scale)
                    }
                }
                initialized = indices.count * n
            }
        }
    }

    /// Every pixel as Float.
    func floats(channels: Int, plane: Int) -> [Float] {
        switch self {
        case .floats(let p): return p
        case .bytes(let b, _):
            let n = channels * plane
            return n == 0 ? [] : floats(of: Array(0..<(b.count / n)), imageSize: n, channels: channels, plane: plane)
        }
    }

    /// The images at `indices`, stored the same way.
    func subset(_ indices: [Int], imageSize n: Int) -> PixelStorage {
        switch self {
        case .floats(let p):
            var out = [Float]()
            out.reserveCapacity(indices.count * n)
            for i in indices { out.append(contentsOf: p[(i * n)..<((i + 1) * n)]) }
            return .floats(out)
        case .bytes(let b, let scale):
            var out = [UInt8]()
            out.reserveCapacity(indices.count * n)
            for i in indices { out.append(contentsOf: b[(i * n)..<((i + 1) * n)]) }
            return .bytes(out, scale)
        }
    }

    /// One image's samples as Float: `b / 255`, then `(x − mean[c]) / std[c]` with a scale.
    static func convert(_ src: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Float>, channels: Int,
                        plane: Int, scale: PixelScale?) {
        for c in 0..<channels {
            let start = c * plane
            if let scale {
                let m = scale.mean.count == 1 ? scale.mean[0] : scale.mean[c]
                let s = scale.std.count == 1 ? scale.std[0] : scale.std[c]
                for k in start..<(start + plane) { out[k] = (Float(src[k]) / 255 - m) / s }
            } else {
                for k in start..<(start + plane) { out[k] = Float(src[k]) / 255 }
            }
        }
    }
}

extension ImageSet {
    /// A uint8-backed set: `bytes` holds `labels.count` images of `channels × height × width`
    /// samples (NCHW), read as `b / 255` and then normalized by `scale` (none: left in [0, 1]).
    public init(bytes: [UInt8], scale: PixelScale? = nil, labels: [Int], groups: [Int]? = nil, channels: Int,
                height: Int, width: Int, classCount: Int) {
        self.init(pixels: [], labels: [], channels: channels, height: height, width: width, classCount: classCount)
        precondition(bytes.count == labels.count * channels * height * width, "ImageSet: byte count mismatch")
        precondition(groups == nil || groups!.count == labels.count, "ImageSet: group count mismatch")
        storage = .bytes(bytes, scale)
        self.labels = labels
        self.groups = groups
    }

    /// The uint8 samples and their normalization, when the set is uint8-backed.
    public var bytes: (samples: [UInt8], scale: PixelScale?)? {
        if case .bytes(let b, let scale) = storage { return (b, scale) }
        return nil
    }

    /// The bytes the pixels occupy in memory (1 per sample uint8-backed, 4 Float-backed).
    public var storedByteCount: Int {
        if case .bytes = storage { return count * imageSize }
        return count * imageSize * 4
    }

    /// The bytes the pixels occupy as Float (what `pixels` or a whole-set tensor allocates).
    public var floatByteCount: Int { count * imageSize * 4 }

    /// This set normalized by `scale` as `(x − mean[c]) / std[c]`: recorded (not applied) on a
    /// uint8-backed set without a normalization, applied to Float pixels otherwise.
    public func normalized(by scale: PixelScale) -> ImageSet {
        var out = self
        if case .bytes(let b, nil) = storage {
            out.storage = .bytes(b, scale)
            return out
        }
        let plane = height * width
        var p = pixels
        out.storage = .floats([])
        for c in 0..<channels {
            let m = scale.mean.count == 1 ? scale.mean[0] : scale.mean[c], s = scale.std.count == 1 ? scale.std[0] : scale.std[c]
            for i in 0..<count {
                let start = (i * channels + c) * plane
                for k in start..<(start + plane) { p[k] = (p[k] - m) / s }
            }
        }
        out.storage = .floats(p)
        return out
    }

    /// A Float pixel in [0, 1] as the nearest uint8 sample, `round(x × 255)` (halves away from
    /// zero) clamped to 0…255; exact (`quantized(b / 255) == b`) for every byte `b`. Computed on
    /// integers: `v − ⌊v⌋` is exact for `v ≥ 0`, so no call to `roundf` per sample.
    @inlinable public static func quantized(_ x: Float) -> UInt8 {
        let v = x * 255
        guard v > 0 else { return 0 }
        guard v < 255 else { return 255 }
        let i = Int(v)
        return UInt8(i + (v - Float(i) >= 0.5 ? 1 : 0))
    }
}
