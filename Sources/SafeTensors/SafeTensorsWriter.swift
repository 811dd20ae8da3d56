import Foundation
import ScalpelEngine

/// A tensor to write, with the dtype it is stored as.
public enum TensorValue {
    /// An engine tensor, stored as `F32` in logical (row-major) order whatever its memory format.
    case float32(Tensor)
    /// Float values in row-major order, stored as `F32`.
    case floats([Float], shape: [Int])
    /// Integer values in row-major order (labels, `num_batches_tracked`), stored as `I64`.
    case int64s([Int64], shape: [Int])
    /// Little-endian element bytes of any dtype, stored as given.
    case raw(DType, shape: [Int], bytes: [UInt8])

    /// The dtype the value is stored as.
    public var dtype: DType {
        switch self {
        case .float32, .floats: .float32
        case .int64s: .int64
        case .raw(let dtype, _, _): dtype
        }
    }

    /// The shape the value is stored with.
    public var shape: [Int] {
        switch self {
        case .float32(let t): t.shape
        case .floats(_, let shape), .int64s(_, let shape), .raw(_, let shape, _): shape
        }
    }
}

/// Writing safetensors files (reading: `SafeTensorsFile`).
///
/// Tensors are laid out sorted by name (UTF-8 byte order), with no gaps; the JSON header lists
/// `__metadata__` first (when there is metadata), is padded with spaces to a multiple of 8 bytes,
/// and is byte-for-byte deterministic.
public enum SafeTensors {
    /// Writes `tensors` as `F32` to `path`, atomically (see `write(_:metadata:to:)`).
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        try write(tensors.mapValues { TensorValue.float32($0) }, metadata: metadata, to: path)
    }

    /// Writes `values` to `path` atomically: the file is written to a temporary file in the same
    /// directory, flushed, then renamed over `path`. On error nothing is left behind and an
    /// existing file at `path` is untouched.
    public static func write(_ values: [String: TensorValue], metadata: [String: String] = [:], to path: String) throws {
        let plan = try Plan(values, metadata: metadata, path: path)
        var sink = try AtomicFileSink(destination: path)
        do {
            try plan.emit(to: &sink)
            try sink.commit()
        } catch {
            sink.abandon()
            throw error
        }
    }

    /// The bytes of a safetensors file holding `values`.
    public static func encode(_ values: [String: TensorValue], metadata: [String: String] = [:]) throws -> Data {
        let plan = try Plan(values, metadata: metadata, path: "<memory>")
        var sink = DataSink()
        sink.data.reserveCapacity(8 + plan.header.count + plan.dataSize)
        try plan.emit(to: &sink)
        return sink.data
    }

    /// The bytes of a safetensors file holding `tensors` as `F32`.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        try encode(tensors.mapValues { TensorValue.float32($0) }, metadata: metadata)
    }
}

/// The validated layout of a file to write.
private struct Plan {
    let items: [(name: String, value: TensorValue)]
    /// The JSON header, padded.
    let header: [UInt8]
    let dataSize: Int

    init(_ values: [String: TensorValue], metadata: [String: String], path: String) throws {
        items = values.map { (name: $0.key, value: $0.value) }.sorted { utf8Less($0.name, $1.name) }
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += "\"\(Header.metadataKey)\":{"
            for (i, key) in metadata.keys.sorted(by: utf8Less).enumerated() {
                if i > 0 { json += "," }
                appendJSONString(key, to: &json)
                json += ":"
                appendJSONString(metadata[key]!, to: &json)
            }
            json += "}"
            first = false
        }
        var offset = 0
        for (name, value) in items {
            let byteCount: Int
            do {
                byteCount = try Self.validate(value)
            } catch {
                throw SafeTensorsError(path: path, tensor: name, error.reason)
            }
            guard name != Header.metadataKey else {
                throw SafeTensorsError(path: path, tensor: name, .invalidName("\"\(name)\" is reserved for metadata"))
            }
            if !first { json += "," }
            first = false
            appendJSONString(name, to: &json)
            json += ":{\"dtype\":\"\(value.dtype.rawValue)\",\"shape\":["
            json += value.shape.map(String.init).joined(separator: ",")
            json += "],\"data_offsets\":[\(offset),\(offset + byteCount)]}"
            offset += byteCount
        }
        json += "}"
        var header = Array(json.utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        self.header = header
        self.dataSize = offset
    }

    /// The byte count of `value`, after checking its shape against its values.
    private static func validate(_ value: TensorValue) throws(Problem) -> Int {
        let shape = value.shape
        guard shape.allSatisfy({ $0 >= 0 }) else { throw Problem(.negativeDimension(shape: shape)) }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw Problem(.shapeTooLarge(shape: shape)) }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: value.dtype.size)
        guard !overflow else { throw Problem(.shapeTooLarge(shape: shape)) }
        switch value {
        case .float32:
            break
        case .floats(let values, _):
            guard values.count == count else { throw Problem(.valueCountMismatch(shape: shape, expected: count, actual: values.count)) }
        case .int64s(let values, _):
            guard values.count == count else { throw Problem(.valueCountMismatch(shape: shape, expected: count, actual: values.count)) }
        case .raw(let dtype, _, let bytes):
            guard bytes.count == byteCount else {
                throw Problem(.byteCountMismatch(dtype: dtype, shape: shape, expected: byteCount, actual: bytes.count))
            }
        }
        return byteCount
    }

    func emit<Sink: ByteSink>(to sink: inout Sink) throws {
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { try sink.write($0) }
        try header.withUnsafeBytes { try sink.write($0) }
        for (_, value) in items {
            switch value {
            case .float32(let tensor):
                try tensor.detached().contiguous().withUnsafeBufferPointer { try sink.writeLittleEndian($0) }
            case .floats(let values, _):
                try values.withUnsafeBufferPointer { try sink.writeLittleEndian($0) }
            case .int64s(let values, _):
                try values.withUnsafeBufferPointer { try sink.writeLittleEndian($0) }
            case .raw(_, _, let bytes):
                try bytes.withUnsafeBytes { try sink.write($0) }
            }
        }
    }
}

/// Where encoded bytes go.
protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    mutating func writeLittleEndian(_ values: UnsafeBufferPointer<Float>) throws {
        #if _endian(little)
        try write(UnsafeRawBufferPointer(values))
        #else
        try values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { try write($0) }
        #endif
    }

    mutating func writeLittleEndian(_ values: UnsafeBufferPointer<Int64>) throws {
        #if _endian(little)
        try write(UnsafeRawBufferPointer(values))
        #else
        try values.map { $0.littleEndian }.withUnsafeBytes { try write($0) }
        #endif
    }
}

private struct DataSink: ByteSink {
    var data = Data()
    mutating func write(_ bytes: UnsafeRawBufferPointer) { data.append(contentsOf: bytes) }
}
