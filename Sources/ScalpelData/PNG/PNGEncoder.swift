/// A minimal PNG encoder: 8-bit grayscale or RGB, no interlacing, one IDAT chunk compressed
/// with zlib's deflate, chunk CRCs from zlib's crc32. Enough for previews and figures.
public enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes `pixels` (row-major, `channels` = 1 gray or 3 RGB interleaved per pixel) as PNG bytes.
    /// Each scanline uses the Sub filter when it deflates smaller than no filter.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(channels == 1 || channels == 3, "PNGEncoder: 1 or 3 channels")
        precondition(width > 0 && height > 0 && pixels.count == width * height * channels, "PNGEncoder: size mismatch")
        let stride = width * channels
        var raw = [UInt8]()
        raw.reserveCapacity((stride + 1) * height)
        for y in 0..<height {
            let row = pixels[(y * stride)..<((y + 1) * stride)]
            // Filter type 1 (Sub): each byte minus the byte one pixel to its left.
            var sub = [UInt8](repeating: 0, count: stride)
            var plainCost = 0, subCost = 0
            for (j, v) in row.enumerated() {
                let left = j >= channels ? row[row.startIndex + j - channels] : 0
                sub[j] = v &- left
                plainCost += Int(Int8(bitPattern: v).magnitude)
                subCost += Int(Int8(bitPattern: sub[j]).magnitude)
            }
            if subCost < plainCost {
                raw.append(1)
                raw += sub
            } else {
                raw.append(0)
                raw += row
            }
        }
        var header = [UInt8]()
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, channels == 1 ? 0 : 2, 0, 0, 0]  // bit depth, colour type, compression, filter, interlace
        var out = signature
        out += chunk("IHDR", header)
        out += chunk("IDAT", DataFile.zlibCompress(raw, level: 9))
        out += chunk("IEND", [])
        return out
    }

    /// Encodes an `Image` (1 or 3 channels, [0, 1] floats, clamped), each pixel drawn as a
    /// `scale × scale` block.
    public static func encode(_ image: Image, scale: Int = 1) -> [UInt8] {
        let canvas = Canvas(width: image.width * scale, height: image.height * scale, channels: image.channels)
        var c = canvas
        c.draw(image, x: 0, y: 0, scale: scale)
        return c.png()
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crc = DataFile.crc32(data, crc: DataFile.crc32(typeBytes))
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc)
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
}

/// An 8-bit drawing surface (gray or RGB) that images are pasted onto before PNG encoding.
public struct Canvas: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel: 1 gray or 3 RGB.
    public let channels: Int
    /// Samples, row-major, `channels` interleaved per pixel (`width · height · channels` bytes).
    public var bytes: [UInt8]

    /// A canvas filled with `fill` in every sample; `PNGEncoder.encode` later requires 1 or 3 channels
    /// and positive sizes.
    public init(width: Int, height: Int, channels: Int, fill: UInt8 = 0) {
        self.width = width
        self.height = height
        self.channels = channels
        bytes = [UInt8](repeating: fill, count: width * height * channels)
    }

    /// Pastes `image` with its top-left corner at (`x`, `y`), each pixel a `scale × scale` block;
    /// a gray image on an RGB canvas is repeated in the three channels. Parts outside are clipped.
    public mutating func draw(_ image: Image, x: Int, y: Int, scale: Int = 1) {
        for iy in 0..<(image.height * scale) {
            let py = y + iy
            guard py >= 0 && py < height else { continue }
            for ix in 0..<(image.width * scale) {
                let px = x + ix
                guard px >= 0 && px < width else { continue }
                for c in 0..<channels {
                    let v = image[min(c, image.channels - 1), iy / scale, ix / scale]
                    bytes[(py * width + px) * channels + c] = UInt8((min(max(v, 0), 1) * 255).rounded())
                }
            }
        }
    }

    /// The canvas as PNG bytes.
    public func png() -> [UInt8] { PNGEncoder.encode(width: width, height: height, channels: channels, pixels: bytes) }
}
