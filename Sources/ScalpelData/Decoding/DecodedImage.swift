/// A decoded image as its file holds it: `height` rows of `width` pixels of `channels` interleaved
/// samples (HWC, the layout of `numpy.asarray(PIL.Image.open(path))`).
///
/// Channels: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. Samples are bytes, or 16-bit values for 16-bit PNGs.
public struct DecodedImage: Sendable, Equatable {
    /// The samples, interleaved by pixel.
    public enum Samples: Sendable, Equatable {
        case uint8([UInt8])
        case uint16([UInt16])
    }

    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Samples per pixel: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// The samples, row by row, pixel by pixel.
    public let samples: Samples

    /// Creates an image; `samples` must hold `width × height × channels` values.
    public init(width: Int, height: Int, channels: Int, samples: Samples) {
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// Bits per sample: 8 or 16.
    public var bitDepth: Int {
        if case .uint16 = samples { return 16 }
        return 8
    }

    /// The samples as bytes: 16-bit samples keep their high byte, `v >> 8`, as PIL does when it
    /// opens a 16-bit RGB(A) PNG in mode `RGB`/`RGBA`.
    public var bytes: [UInt8] {
        switch samples {
        case .uint8(let v): v
        case .uint16(let v): v.map { UInt8($0 >> 8) }
        }
    }

    /// The samples scaled to [0, 1]: `v / 255`, or `v / 65535` for 16-bit samples.
    public var unitFloats: [Float] {
        switch samples {
        case .uint8(let v): v.map { Float($0) / 255 }
        case .uint16(let v): v.map { Float($0) / 65535 }
        }
    }
}
