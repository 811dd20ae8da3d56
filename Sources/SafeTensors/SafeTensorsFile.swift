import Foundation
import ScalpelEngine

/// A parsed safetensors file: its metadata and tensor entries, validated on opening; tensor
/// values are decoded on request.
///
/// The file is memory-mapped; values of any supported dtype are converted to `Float` by
/// `floats(_:)` and `tensor(_:)`, and integer dtypes read exactly by `int64s(_:)`.
public struct SafeTensorsFile: Sendable {
    /// One tensor's header entry.
    public struct Entry: Sendable, Equatable {
        /// The element type stored in the file.
        public let dtype: DType
        /// The shape stored in the file (`[]` for a scalar).
        public let shape: [Int]
        /// The bytes of the tensor within the data section (the bytes after the header),
        /// as in the header's `data_offsets`.
        public let dataOffsets: Range<Int>

        /// An entry with these fields as given; nothing is checked here (the parser validates entries it reads).
        public init(dtype: DType, shape: [Int], dataOffsets: Range<Int>) {
            self.dtype = dtype
            self.shape = shape
            self.dataOffsets = dataOffsets
        }

        /// The number of elements.
        public var count: Int { shape.reduce(1, *) }
        /// The number of bytes.
        public var byteCount: Int { dataOffsets.count }
    }

    /// The file's path (or the name given for in-memory data); errors mention it.
    public let path: String
    /// The header's `__metadata__` (empty when absent).
    public let metadata: [String: String]
    /// The tensors by name.
    public let entries: [String: Entry]
    /// The length in bytes of the JSON header (padding included).
    public let headerLength: Int
    /// The whole file.
    let data: Data

    /// Opens and validates the safetensors file at `path` (memory-mapped).
    public init(contentsOf path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SafeTensorsError(path: path, .cannotRead("no such file"))
        }
        guard !isDirectory.boolValue else { throw SafeTensorsError(path: path, .cannotRead("it is a directory")) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SafeTensorsError(path: path, .cannotRead(Self.message(of: error)))
        }
        try self.init(data: data, path: path)
    }

    /// Parses and validates safetensors bytes held in memory; `path` names them in errors.
    public init(data: Data, path: String = "<memory>") throws {
        let header = try Header(parsing: data, path: path)
        self.path = path
        self.data = data
        self.metadata = header.metadata
        self.entries = header.entries
        self.headerLength = header.length
    }

    /// The tensor names, sorted.
    public var names: [String] { entries.keys.sorted(by: utf8Less) }

    /// Whether the file holds a tensor named `name`.
    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// The entry of tensor `name`; throws, listing some names the file does hold, when absent.
    public func entry(_ name: String) throws -> Entry {
        if let entry = entries[name] { return entry }
        let suggestions = entries.keys.sorted { a, b in
            let (pa, pb) = (commonPrefixLength(a, name), commonPrefixLength(b, name))
            return pa != pb ? pa > pb : utf8Less(a, b)
        }
        throw SafeTensorsError(path: path, tensor: name,
                               .noSuchTensor(available: Array(suggestions.prefix(5)), total: entries.count))
    }

    /// The raw little-endian bytes of tensor `name`.
    public func rawBytes(_ name: String) throws -> Data {
        let entry = try entry(name)
        return withBytes(of: entry) { Data($0) }
    }

    /// The values of tensor `name` in row-major order, converted to `Float` from any dtype.
    public func floats(_ name: String) throws -> [Float] {
        let entry = try entry(name)
        return [Float](unsafeUninitializedCapacity: entry.count) { buffer, initialized in
            withBytes(of: entry) { decodeFloats($0, dtype: entry.dtype, into: buffer) }
            initialized = entry.count
        }
    }

    /// The values of integer (or boolean) tensor `name` in row-major order, exactly.
    public func int64s(_ name: String) throws -> [Int64] {
        let entry = try entry(name)
        guard entry.dtype.isInteger else {
            throw SafeTensorsError(path: path, tensor: name, .unsupportedConversion(dtype: entry.dtype, to: "Int64"))
        }
        let result = withBytes(of: entry) { decodeInt64s($0, dtype: entry.dtype, count: entry.count) }
        switch result {
        case .success(let values): return values
        case .failure(let failure):
            throw SafeTensorsError(path: path, tensor: name, .valueOutOfRange(index: failure.index))
        }
    }

    /// Tensor `name` with its stored shape, values converted to `Float` from any dtype.
    public func tensor(_ name: String) throws -> Tensor {
        let entry = try entry(name)
        let tensor = Tensor.zeros(entry.shape)
        tensor.withUnsafeMutableBufferPointer { out in
            withBytes(of: entry) { decodeFloats($0, dtype: entry.dtype, into: out) }
        }
        return tensor
    }

    /// Every tensor, converted to `Float`.
    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in entries.keys { result[name] = try tensor(name) }
        return result
    }

    private func withBytes<R>(of entry: Entry, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        data.withUnsafeBytes { all in
            let start = 8 + headerLength + entry.dataOffsets.lowerBound
            return body(UnsafeRawBufferPointer(rebasing: all[start..<(start + entry.byteCount)]))
        }
    }

    static func message(of error: any Error) -> String {
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            return "\(error.localizedDescription) (\(underlying.localizedDescription))"
        }
        return (error as NSError).localizedDescription
    }
}

/// Byte-wise (UTF-8) string order, the same on every platform.
func utf8Less(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

private func commonPrefixLength(_ a: String, _ b: String) -> Int {
    zip(a.utf8, b.utf8).prefix { $0 == $1 }.count
}
