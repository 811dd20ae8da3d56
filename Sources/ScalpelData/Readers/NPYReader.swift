import Foundation

/// Reader for NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), C order only,
/// element types `|u1` (uint8), `<i8` (little-endian int64) and `<f4` (little-endian float32).
///
/// Layout: magic `\x93NUMPY`, major and minor version bytes, the header length (UInt16 LE in
/// version 1, UInt32 LE in 2 and 3), an ASCII Python dict literal
/// `{'descr': '|u1', 'fortran_order': False, 'shape': (50000, 32, 32, 3), }`, then the data.
public enum NPY {
    /// The parsed header of an `.npy` file.
    public struct Header: Sendable, Equatable {
        /// The element type from `descr`.
        public var dtype: DType
        /// The dimensions from `shape`, outermost first (empty for a scalar).
        public var shape: [Int]
        /// The byte offset of the first element.
        public var dataOffset: Int
        /// The number of elements: the product of `shape` (1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The element types this reader supports, by their `descr` string.
    public enum DType: String, Sendable {
        case uint8 = "|u1", int64 = "<i8", float32 = "<f4"
        /// Bytes per element.
        public var size: Int { switch self { case .uint8: 1; case .int64: 8; case .float32: 4 } }
    }

    /// The values of an array, in C order.
    public enum Values: Sendable {
        case uint8([UInt8]), int64([Int64]), float32([Float])
    }

    /// A whole `.npy` array: its shape and its values in C order.
    public struct Array: Sendable {
        /// The dimensions, outermost first.
        public var shape: [Int]
        /// The values, typed by the file's `descr`.
        public var values: Values
        /// The values as integers (float values are truncated; use `labels(classes:file:)` for labels).
        public var integers: [Int] {
            switch values {
            case .uint8(let v): v.map(Int.init)
            case .int64(let v): v.map(Int.init)
            case .float32(let v): v.map { Int($0) }
            }
        }
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Reads the whole array of the file at `path`.
    public static func read(_ path: String) throws -> Array {
        let header = try readHeader(path)
        return try read(path, rows: 0..<(header.shape.first ?? 1))
    }

    /// Reads only `rows` along the first axis (e.g. one severity block of a CIFAR-10-C file),
    /// seeking past the rest, so a 150 MB file costs only the block read.
    public static func read(_ path: String, rows: Range<Int>) throws -> Array {
        let header = try readHeader(path)
        let rowCount = header.shape.first ?? 1
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
            throw DataError(.sizeMismatch, file: path, "rows \(rows) outside the first axis of shape \(header.shape)")
        }
        let rowElements = header.shape.dropFirst().reduce(1, *)
        let fileSize = try Self.fileSize(path)
        let needed = header.dataOffset + header.elementCount * header.dtype.size
        guard fileSize >= needed else {
            throw DataError(.truncated, file: path, "shape \(header.shape) of \(header.dtype.rawValue) needs " +
                            "\(needed) bytes, the file has \(fileSize)")
        }
        guard fileSize == needed else {
            throw DataError(.sizeMismatch, file: path, "shape \(header.shape) of \(header.dtype.rawValue) needs " +
                            "\(needed) bytes, the file has \(fileSize)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DataError(.io, file: path, "cannot open") }
        defer { try? handle.close() }
        let start = header.dataOffset + rows.lowerBound * rowElements * header.dtype.size
        let length = rows.count * rowElements * header.dtype.size
        let data: Data
        do {
            try handle.seek(toOffset: UInt64(start))
            data = try handle.read(upToCount: length) ?? Data()
        } catch { throw DataError(.io, file: path, "read failed: \(error.localizedDescription)") }
        guard data.count == length else {
            throw DataError(.truncated, file: path, "expected \(length) data bytes at offset \(start), read \(data.count)")
        }
        var shape = header.shape
        if !shape.isEmpty { shape[0] = rows.count }
        return Array(shape: shape, values: decode([UInt8](data), dtype: header.dtype))
    }

    /// Parses a complete `.npy` file held in memory.
    public static func parse(_ bytes: [UInt8], file: String) throws -> Array {
        let header = try parseHeader(bytes, file: file)
        let needed = header.dataOffset + header.elementCount * header.dtype.size
        guard bytes.count >= needed else {
            throw DataError(.truncated, file: file, "shape \(header.shape) needs \(needed) bytes, \(bytes.count) present")
        }
        guard bytes.count == needed else {
            throw DataError(.sizeMismatch, file: file, "shape \(header.shape) needs \(needed) bytes, \(bytes.count) present")
        }
        return Array(shape: header.shape, values: decode(Swift.Array(bytes[header.dataOffset...]), dtype: header.dtype))
    }

    /// Reads and parses only the header of the file at `path`.
    public static func readHeader(_ path: String) throws -> Header {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DataError(.io, file: path, FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        defer { try? handle.close() }
        let prefix = [UInt8]((try? handle.read(upToCount: 12)) ?? Data())
        guard prefix.count >= 10 else { throw DataError(.truncated, file: path, "\(prefix.count) bytes, no .npy header") }
        guard Swift.Array(prefix[0..<6]) == magic else { throw DataError(.wrongMagic, file: path, "not a .npy file (no \\x93NUMPY magic)") }
        let length = prefix[6] == 1 ? Int(prefix[8]) | Int(prefix[9]) << 8
            : prefix.count < 12 ? 0 : Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
        try? handle.seek(toOffset: 0)
        let bytes = [UInt8]((try? handle.read(upToCount: 12 + length)) ?? Data())
        return try parseHeader(bytes, file: path)
    }

    /// Parses the header at the start of `bytes`.
    public static func parseHeader(_ bytes: [UInt8], file: String) throws -> Header {
        guard bytes.count >= 10 else { throw DataError(.truncated, file: file, "\(bytes.count) bytes, no .npy header") }
        guard Swift.Array(bytes[0..<6]) == magic else {
            throw DataError(.wrongMagic, file: file, "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let lengthStart: Int, length: Int
        switch major {
        case 1:
            lengthStart = 10
            length = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw DataError(.truncated, file: file, "header length cut off") }
            lengthStart = 12
            length = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        default:
            throw DataError(.unsupported, file: file, ".npy format version \(major).\(bytes[7]); 1.0, 2.0 and 3.0 are supported")
        }
        guard bytes.count >= lengthStart + length else {
            throw DataError(.truncated, file: file, "header of \(length) bytes announced, \(bytes.count - lengthStart) present")
        }
        let text = String(decoding: bytes[lengthStart..<(lengthStart + length)], as: UTF8.self)
        let dict = try NPYHeaderDict(text, file: file)
        guard let descr = dict.descr else { throw DataError(.badValue, file: file, "header has no 'descr': \(text)") }
        guard let dtype = DType(rawValue: descr) else {
            throw DataError(.unsupported, file: file,
                            "dtype '\(descr)'; supported: '|u1' (uint8), '<i8' (int64 LE), '<f4' (float32 LE)")
        }
        guard dict.fortranOrder == false else {
            throw DataError(.unsupported, file: file, dict.fortranOrder == true
                            ? "fortran_order True (column-major); only C order is supported"
                            : "header has no 'fortran_order': \(text)")
        }
        guard let shape = dict.shape else { throw DataError(.badValue, file: file, "header has no 'shape': \(text)") }
        var byteCount = dtype.size
        for d in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: d)
            guard !overflow, product < 1 << 48 else { throw DataError(.badValue, file: file, "shape \(shape) is impossibly large") }
            byteCount = product
        }
        return Header(dtype: dtype, shape: shape, dataOffset: lengthStart + length)
    }

    static func decode(_ bytes: [UInt8], dtype: DType) -> Values {
        switch dtype {
        case .uint8: return .uint8(bytes)
        case .int64:
            return .int64(bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 8)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
            })
        case .float32:
            return .float32(bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 4)).map {
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
                }
            })
        }
    }

    static func fileSize(_ path: String) throws -> Int {
        // The size of what the path names, behind any symbolic link (not the link's own size).
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target),
              let size = attributes[.size] as? NSNumber else { throw DataError(.io, file: path, "cannot stat") }
        return size.intValue
    }
}
