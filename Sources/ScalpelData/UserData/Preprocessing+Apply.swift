/// Applying a `Preprocessing` to one decoded image or one float image.
extension Preprocessing {
    /// `decoded` as a model input: channels converted on the integer samples (exactly as PIL's
    /// `convert`), scaled to [0, 1], then resized, cropped and normalized as `apply(to:file:)`.
    public func apply(to decoded: DecodedImage, file: String) throws -> Image {
        let converted = Self.convert(decoded, to: channels ?? (decoded.channels <= 2 ? 1 : 3))
        return try geometryAndNormalize(Self.planar(converted), file: file)
    }

    /// `image` (floats in [0, 1], CHW) as a model input: channel conversion (gray repeated to RGB;
    /// RGB to gray with ITU-R 601 weights 0.299, 0.587, 0.114; alpha dropped), resize, crop, normalize.
    public func apply(to image: Image, file: String) throws -> Image {
        var image = image
        let target = channels ?? (image.channels <= 2 ? 1 : 3)
        if image.channels != target {
            let plane = image.height * image.width
            let p = image.pixels
            if target == 1 {
                let gray = image.channels >= 3
                    ? (0..<plane).map { 0.299 * p[$0] + 0.587 * p[plane + $0] + 0.114 * p[2 * plane + $0] }
                    : Array(p[0..<plane])
                image = Image(pixels: gray, channels: 1, height: image.height, width: image.width)
            } else {
                let rgb = image.channels >= 3 ? Array(p[0..<(3 * plane)]) : Array(p[0..<plane]) + p[0..<plane] + p[0..<plane]
                image = Image(pixels: rgb, channels: 3, height: image.height, width: image.width)
            }
        }
        return try geometryAndNormalize(image, file: file)
    }

    /// `set` with the mean/std normalization applied to every image (unchanged without one);
    /// on a uint8-backed set it is recorded and applied per batch (`ImageSet.normalized(by:)`).
    public func normalized(_ set: ImageSet) -> ImageSet {
        guard let scale else { return set }
        return set.normalized(by: scale)
    }

    /// The mean/std normalization, when both are set.
    public var scale: PixelScale? {
        guard let mean, let std else { return nil }
        return PixelScale(mean: mean, std: std)
    }

    /// These values without the mean/std normalization: the geometric steps (channels, resize,
    /// crop) whose output a uint8 store holds.
    public var geometry: Preprocessing {
        var out = self
        (out.mean, out.std) = (nil, nil)
        return out
    }

    private func geometryAndNormalize(_ image: Image, file: String) throws -> Image {
        var image = image
        if let resize {
            let (h, w) = Self.resizedSize(height: image.height, width: image.width, shorter: resize)
            if h != image.height || w != image.width { image = AntialiasedResize.resize(image, height: h, width: w) }
        }
        if let crop {
            guard crop[0] <= image.height, crop[1] <= image.width else {
                throw DataError(.sizeMismatch, file: file, "center crop \(crop[0])×\(crop[1]) is larger than the " +
                                "\(resize == nil ? "" : "resized ")image, \(image.height)×\(image.width)")
            }
            image = Self.centerCrop(image, height: crop[0], width: crop[1])
        }
        if let mean, let std {
            let plane = image.height * image.width
            for c in 0..<image.channels {
                let m = mean.count == 1 ? mean[0] : mean[c], s = std.count == 1 ? std[0] : std[c]
                for i in (c * plane)..<((c + 1) * plane) { image.pixels[i] = (image.pixels[i] - m) / s }
            }
        }
        return image
    }

    /// torchvision's output size for `Resize(shorter)`: the shorter side becomes `shorter`, the
    /// longer `int(shorter × long / short)` (truncated).
    public static func resizedSize(height: Int, width: Int, shorter: Int) -> (height: Int, width: Int) {
        if height <= width { return (shorter, Int(Double(shorter) * Double(width) / Double(height))) }
        return (Int(Double(shorter) * Double(height) / Double(width)), shorter)
    }

    /// torchvision's `CenterCrop`: top = round((H − h) / 2), left = round((W − w) / 2), with
    /// Python's round-half-to-even.
    public static func centerCrop(_ image: Image, height: Int, width: Int) -> Image {
        let top = Int((Double(image.height - height) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(image.width - width) / 2).rounded(.toNearestOrEven))
        var out = [Float]()
        out.reserveCapacity(image.channels * height * width)
        for c in 0..<image.channels {
            for y in 0..<height {
                let row = (c * image.height + top + y) * image.width + left
                out.append(contentsOf: image.pixels[row..<(row + width)])
            }
        }
        return Image(pixels: out, channels: image.channels, height: height, width: width)
    }

    /// `decoded` with `target` channels (1 or 3), as PIL's `convert("L")` / `convert("RGB")`:
    /// alpha dropped, gray repeated, RGB to gray as `(19595 R + 38470 G + 7471 B + 32768) >> 16`
    /// on bytes (on 16-bit samples the same weights in floating point, rounded).
    static func convert(_ decoded: DecodedImage, to target: Int) -> DecodedImage {
        let inC = decoded.channels, n = decoded.width * decoded.height
        if inC == target { return decoded }
        func map<T: FixedWidthInteger>(_ v: [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(n * target)
            for i in 0..<n {
                let base = i * inC
                if target == 1 {
                    if inC >= 3 {
                        let r = UInt64(v[base]), g = UInt64(v[base + 1]), b = UInt64(v[base + 2])
                        out.append(T((19595 * r + 38470 * g + 7471 * b + 32768) >> 16))
                    } else {
                        out.append(v[base])
                    }
                } else if inC >= 3 {
                    out.append(contentsOf: v[base..<(base + 3)])
                } else {
                    out.append(contentsOf: [v[base], v[base], v[base]])
                }
            }
            return out
        }
        let samples: DecodedImage.Samples = switch decoded.samples {
        case .uint8(let v): .uint8(map(v))
        case .uint16(let v): .uint16(map(v))
        }
        return DecodedImage(width: decoded.width, height: decoded.height, channels: target, samples: samples)
    }

    /// Interleaved HWC samples in [0, 1] as a CHW `Image`: `v / 255`, or `v / 65535` for 16-bit
    /// samples (`DecodedImage.unitFloats`, without its intermediate array).
    static func planar(_ decoded: DecodedImage) -> Image {
        let c = decoded.channels, plane = decoded.width * decoded.height
        var out = [Float](repeating: 0, count: c * plane)
        func fill<T: BinaryInteger>(_ v: [T], _ scale: Float) {
            v.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<plane { for k in 0..<c { dst[k * plane + i] = Float(src[i * c + k]) / scale } }
                }
            }
        }
        switch decoded.samples {
        case .uint8(let v): fill(v, 255)
        case .uint16(let v): fill(v, 65535)
        }
        return Image(pixels: out, channels: c, height: decoded.height, width: decoded.width)
    }
}
