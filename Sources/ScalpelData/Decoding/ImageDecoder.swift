internal import CScalpelJPEG
internal import CScalpelPNG
import Foundation

/// Decodes PNG and JPEG files through Debian's libpng and libjpeg-turbo (system libraries).
///
/// Every failure is a `DataError` naming the file: a truncated file, data the codec refuses, an
/// unsupported variant (CMYK JPEG), or a decompression bomb — an image whose header declares more
/// pixels than `maxPixels`, refused before its pixels are allocated.
public enum ImageDecoder {
    /// The image formats recognised by their first bytes.
    public enum Format: String, Sendable {
        case png, jpeg
    }

    /// The default pixel-count limit, PIL's `Image.MAX_IMAGE_PIXELS` (a 1024 × 1024 × 1024 / 4 / 3 bomb).
    public static let defaultMaxPixels = 89_478_485

    /// The largest file read, 512 MiB: no image of `defaultMaxPixels` pixels needs more.
    public static let maxFileBytes = 512 << 20

    /// The format of `bytes` from its signature: PNG `89 50 4E 47 0D 0A 1A 0A`, JPEG `FF D8 FF`.
    public static func format(of bytes: some Collection<UInt8>) -> Format? {
        let head = Array(bytes.prefix(8))
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        return nil
    }

    /// Whether `path`'s extension names an image format this decoder reads.
    public static func isImagePath(_ path: String) -> Bool {
        ["png", "jpg", "jpeg"].contains((path as NSString).pathExtension.lowercased())
    }

    /// Decodes the image file at `path`.
    public static func decode(contentsOf path: String, maxPixels: Int = defaultMaxPixels) throws -> DecodedImage {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maxFileBytes {
            throw DataError(.badValue, file: path, "\(size) bytes, more than the \(maxFileBytes)-byte limit for an image")
        }
        return try decode(DataFile.readRaw(path), file: path, maxPixels: maxPixels)
    }

    /// Decodes `bytes`, the contents of `file` (named in errors).
    public static func decode(_ bytes: [UInt8], file: String, maxPixels: Int = defaultMaxPixels) throws -> DecodedImage {
        guard let format = format(of: bytes) else {
            throw DataError(.wrongMagic, file: file, "not a PNG or JPEG file (no signature)")
        }
        let limit = UInt64(max(maxPixels, 0))
        switch format {
        case .png:
            var result = bytes.withUnsafeBufferPointer { scalpel_png_decode($0.baseAddress, $0.count, limit) }
            defer { scalpel_png_free(&result) }
            try check(status: result.status, message: message(of: result.message), file: file, format: format)
            let count = Int(result.width) * Int(result.height) * Int(result.channels)
            let samples: DecodedImage.Samples = result.bit_depth == 16
                ? .uint16(UnsafeBufferPointer(start: UnsafeRawPointer(result.pixels)!.assumingMemoryBound(to: UInt16.self),
                                              count: count).map { UInt16(littleEndian: $0) })
                : .uint8(Array(UnsafeBufferPointer(start: result.pixels, count: count)))
            return DecodedImage(width: Int(result.width), height: Int(result.height), channels: Int(result.channels),
                                samples: samples)
        case .jpeg:
            var result = bytes.withUnsafeBufferPointer { scalpel_jpeg_decode($0.baseAddress, $0.count, limit) }
            defer { scalpel_jpeg_free(&result) }
            try check(status: result.status, message: message(of: result.message), file: file, format: format)
            let count = Int(result.width) * Int(result.height) * Int(result.channels)
            return DecodedImage(width: Int(result.width), height: Int(result.height), channels: Int(result.channels),
                                samples: .uint8(Array(UnsafeBufferPointer(start: result.pixels, count: count))))
        }
    }

    /// Throws the `DataError` of a shim status (0 is success; codes as in the shims' headers).
    private static func check(status: Int32, message: String, file: String, format: Format) throws {
        let codec = format == .png ? "libpng" : "libjpeg"
        switch status {
        case 0: return
        case 1: throw DataError(.truncated, file: file, "\(format.rawValue): \(message)")
        case 3: throw DataError(.badValue, file: file, "\(format.rawValue): decompression bomb refused: \(message)")
        case 5: throw DataError(.unsupported, file: file, "\(format.rawValue): \(message)")
        case 4: throw DataError(.io, file: file, "\(format.rawValue): \(message)")
        default: throw DataError(.badValue, file: file, "corrupt \(format.rawValue) (\(codec): \(message))")
        }
    }

    /// The C string of a fixed-size message buffer.
    private static func message<T>(of tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
