/// A problem reading or writing a safetensors file: which file, which tensor (when one is
/// concerned) and what is wrong.
public struct SafeTensorsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The file could not be opened or read (the system's message).
        case cannotRead(String)
        /// The file could not be written (the system's message).
        case cannotWrite(String)
        /// The file is shorter than the 8-byte header length.
        case fileTooShort(byteCount: Int)
        /// The header length points past the end of the file.
        case headerPastEnd(headerLength: UInt64, fileSize: Int)
        /// The header bytes are not valid UTF-8.
        case headerNotUTF8
        /// The header is not valid JSON (the parser's detail, possibly empty).
        case headerNotJSON(String)
        /// The header is valid JSON but not an object.
        case headerNotObject
        /// `__metadata__` is not an object of strings.
        case invalidMetadata(String)
        /// A tensor entry lacks a field (`dtype`, `shape` or `data_offsets`).
        case missingField(String)
        /// A tensor entry (`field` nil) or one of its fields has the wrong JSON type.
        case wrongType(field: String?, expected: String, found: String)
        /// A tensor's `dtype` is none of `DType`'s spellings.
        case unknownDType(String)
        /// A tensor's shape has a negative dimension.
        case negativeDimension(shape: [Int])
        /// The element count of the shape does not fit in an `Int`.
        case shapeTooLarge(shape: [Int])
        /// A tensor's `data_offsets` begin after they end.
        case offsetsReversed(begin: Int, end: Int)
        /// A tensor's `data_offsets` reach past the end of the data section.
        case offsetsOutOfBounds(begin: Int, end: Int, dataSize: Int)
        /// A tensor's bytes overlap another tensor's.
        case overlap(other: String, begin: Int, end: Int, otherBegin: Int, otherEnd: Int)
        /// A tensor's byte count is not its element count times its dtype's size.
        case byteCountMismatch(dtype: DType, shape: [Int], expected: Int, actual: Int)
        /// The file holds no tensor of the requested name; `available` are up to 5 names alike
        /// to it, out of `total`.
        case noSuchTensor(available: [String], total: Int)
        /// The tensor's values cannot be read as the requested type.
        case unsupportedConversion(dtype: DType, to: String)
        /// An integer value does not fit in `Int64`.
        case valueOutOfRange(index: Int)
        /// A tensor to write has a number of values different from its shape's element count.
        case valueCountMismatch(shape: [Int], expected: Int, actual: Int)
        /// A tensor to write has a reserved or otherwise unusable name.
        case invalidName(String)
        /// A key appears twice in one JSON object of the header (readers would disagree on which counts).
        case duplicateKey(String)
        /// Bytes of the data section that no tensor covers, between tensors (the format forbids holes).
        case hole(begin: Int, end: Int)
        /// Bytes after the last tensor's data (the data section must end where the last tensor ends).
        case trailingBytes(begin: Int, end: Int)
    }

    /// The file concerned (as given by the caller).
    public let path: String
    /// The tensor concerned, when there is one.
    public let tensor: String?
    /// What is wrong with the file or tensor.
    public let reason: Reason

    /// An error about the file at `path` and, when one is concerned, the tensor named `tensor`.
    public init(path: String, tensor: String? = nil, _ reason: Reason) {
        self.path = path
        self.tensor = tensor
        self.reason = reason
    }

    /// `safetensors file <path>[, tensor "<name>"]: <reason>`, one line naming the file, the tensor and the problem.
    public var description: String {
        var s = "safetensors file \(path)"
        if let tensor { s += ", tensor \"\(tensor)\"" }
        return s + ": " + reason.description
    }
}

extension SafeTensorsError.Reason: CustomStringConvertible {
    /// The problem in words with the offending values (offsets, shape, dtype, names), without the file's name.
    public var description: String {
        switch self {
        case .cannotRead(let message):
            "cannot read the file: \(message)"
        case .cannotWrite(let message):
            "cannot write the file: \(message)"
        case .fileTooShort(let n):
            "file too short: \(n) bytes, but at least 8 are needed for the header length"
        case .headerPastEnd(let length, let size):
            "header length \(length) runs past the end of the file (\(size) bytes, \(max(0, size - 8)) after the length field)"
        case .headerNotUTF8:
            "header is not valid UTF-8"
        case .headerNotJSON(let detail):
            "header is not valid JSON" + (detail.isEmpty ? "" : " (\(detail))")
        case .headerNotObject:
            "header is not a JSON object"
        case .invalidMetadata(let detail):
            "invalid __metadata__: \(detail)"
        case .missingField(let field):
            "entry is missing \"\(field)\""
        case .wrongType(let field, let expected, let found):
            (field.map { "\"\($0)\"" } ?? "the entry") + " is \(found); expected \(expected)"
        case .unknownDType(let dtype):
            "unknown dtype \"\(dtype)\" (known: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .negativeDimension(let shape):
            "negative dimension in shape \(shape)"
        case .shapeTooLarge(let shape):
            "shape \(shape) has too many elements"
        case .offsetsReversed(let begin, let end):
            "data_offsets [\(begin), \(end)]: begin > end"
        case .offsetsOutOfBounds(let begin, let end, let dataSize):
            "data_offsets [\(begin), \(end)] outside the data section (\(dataSize) bytes)"
        case .overlap(let other, let begin, let end, let otherBegin, let otherEnd):
            "data_offsets [\(begin), \(end)] overlap tensor \"\(other)\" at [\(otherBegin), \(otherEnd)]"
        case .byteCountMismatch(let dtype, let shape, let expected, let actual):
            "byte count \(actual) does not match shape \(shape) × \(dtype) (\(dtype.size) bytes) = \(expected)"
        case .noSuchTensor(let available, let total):
            if total == 0 {
                "no such tensor (the file holds none)"
            } else {
                "no such tensor; the file holds \(total): "
                    + available.map { "\"\($0)\"" }.joined(separator: ", ")
                    + (total > available.count ? ", …" : "")
            }
        case .unsupportedConversion(let dtype, let target):
            "dtype \(dtype) cannot be read as \(target)"
        case .valueOutOfRange(let index):
            "value at index \(index) does not fit in Int64"
        case .valueCountMismatch(let shape, let expected, let actual):
            "\(actual) values for shape \(shape) (\(expected) expected)"
        case .invalidName(let detail):
            "invalid tensor name: \(detail)"
        case .duplicateKey(let key):
            "header has the key \"\(key)\" twice (the format forbids duplicate keys)"
        case .hole(let begin, let end):
            "bytes [\(begin), \(end)) of the data section belong to no tensor (the format forbids holes)"
        case .trailingBytes(let begin, let end):
            "bytes [\(begin), \(end)) after the last tensor's data belong to no tensor (the format forbids trailing bytes)"
        }
    }
}

/// A reason not yet attached to a file and tensor (thrown inside the parser and writer).
struct Problem: Error {
    let reason: SafeTensorsError.Reason
    init(_ reason: SafeTensorsError.Reason) { self.reason = reason }
}
