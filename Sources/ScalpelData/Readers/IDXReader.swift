import Foundation

/// Reader for the IDX format of MNIST and Fashion-MNIST (raw or gzip-compressed).
///
/// Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only type those data sets use),
/// a dimension count, then each dimension as a big-endian UInt32, then the values in C order.
public enum IDX {
    /// An IDX array of unsigned bytes.
    public struct Array: Sendable {
        /// The dimensions from the header, outermost first.
        public var shape: [Int]
        /// The values in C order (product of `shape` bytes).
        public var values: [UInt8]
    }

    /// Reads the IDX file at `path` (gunzipping it when it starts with 1f 8b).
    public static func read(_ path: String) throws -> Array {
        try parse(DataFile.read(path), file: path)
    }

    /// Parses IDX bytes; `file` names the source in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws -> Array {
        guard bytes.count >= 4 else {
            throw DataError(.truncated, file: file, "\(bytes.count) bytes, shorter than the 4-byte IDX magic")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError(.wrongMagic, file: file, String(format: "IDX magic must start with 00 00, found %02x %02x",
                                                           bytes[0], bytes[1]))
        }
        guard bytes[2] == 0x08 else {
            throw DataError(.unsupported, file: file,
                            String(format: "IDX element type 0x%02x; only 0x08 (unsigned byte) is supported", bytes[2]))
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw DataError(.badValue, file: file, "IDX rank 0") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError(.truncated, file: file, "header announces \(rank) dimensions but the file has \(bytes.count) bytes")
        }
        var shape = [Int]()
        var total = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let n = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            shape.append(n)
            let (product, overflow) = total.multipliedReportingOverflow(by: n)
            guard !overflow else { throw DataError(.badValue, file: file, "IDX shape \(shape) is impossibly large") }
            total = product
        }
        let present = bytes.count - headerSize
        if present < total {
            throw DataError(.truncated, file: file, "shape \(shape) needs \(total) value bytes, \(present) present")
        }
        if present > total {
            throw DataError(.sizeMismatch, file: file, "shape \(shape) needs \(total) value bytes, \(present) present")
        }
        return Array(shape: shape, values: Swift.Array(bytes[headerSize...]))
    }

    /// An image set from an IDX image file `[N, H, W]` and an IDX label file `[N]`.
    /// Pixels are divided by 255; labels must lie in `0..<classCount`. There must be at least one
    /// image of at least 1×1 pixels, and of `geometry` (height, width) when the data set promises one.
    public static func loadImageSet(images imagePath: String, labels labelPath: String, classCount: Int = 10,
                                    geometry: (height: Int, width: Int)? = nil) throws -> ImageSet {
        let images = try read(imagePath)
        let labels = try read(labelPath)
        guard images.shape.count == 3 else {
            throw DataError(.sizeMismatch, file: imagePath, "images must have shape [N, H, W], found \(images.shape)")
        }
        guard images.shape.allSatisfy({ $0 > 0 }) else {
            throw DataError(.sizeMismatch, file: imagePath, "images have shape \(images.shape); no image or no pixel")
        }
        if let geometry, images.shape[1] != geometry.height || images.shape[2] != geometry.width {
            throw DataError(.sizeMismatch, file: imagePath, "images are \(images.shape[1])×\(images.shape[2]); "
                            + "this data set's are \(geometry.height)×\(geometry.width)")
        }
        guard labels.shape.count == 1 else {
            throw DataError(.sizeMismatch, file: labelPath, "labels must have shape [N], found \(labels.shape)")
        }
        guard images.shape[0] == labels.shape[0] else {
            throw DataError(.sizeMismatch, file: labelPath,
                            "\(labels.shape[0]) labels for \(images.shape[0]) images in \(imagePath)")
        }
        if let bad = labels.values.firstIndex(where: { Int($0) >= classCount }) {
            throw DataError(.badValue, file: labelPath, "label \(labels.values[bad]) at index \(bad) is not below \(classCount)")
        }
        return ImageSet(pixels: PixelConversion.floats(images.values, divisor: 255),
                        labels: labels.values.map(Int.init), channels: 1,
                        height: images.shape[1], width: images.shape[2], classCount: classCount)
    }
}

/// Fast byte → Float conversion (the data sets are tens of millions of bytes). Divides, as
/// PyTorch's ToTensor does, so values equal `Float(byte) / 255` exactly.
enum PixelConversion {
    static func floats(_ bytes: [UInt8], divisor: Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: bytes.count) { out, count in
            bytes.withUnsafeBufferPointer { inp in
                for i in 0..<inp.count { out[i] = Float(inp[i]) / divisor }
            }
            count = bytes.count
        }
    }
}
