import Foundation

/// The validated header of a safetensors file.
struct Header {
    /// The JSON header's length in bytes.
    let length: Int
    let metadata: [String: String]
    let entries: [String: SafeTensorsFile.Entry]

    static let metadataKey = "__metadata__"

    /// Parses and validates the header of `data` (a whole file); `path` names it in errors.
    init(parsing data: Data, path: String) throws {
        func fail(_ reason: SafeTensorsError.Reason, tensor: String? = nil) -> SafeTensorsError {
            SafeTensorsError(path: path, tensor: tensor, reason)
        }
        let fileSize = data.count
        guard fileSize >= 8 else { throw fail(.fileTooShort(byteCount: fileSize)) }
        let declared = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard declared <= UInt64(fileSize - 8) else {
            throw fail(.headerPastEnd(headerLength: declared, fileSize: fileSize))
        }
        let length = Int(declared)
        let dataSize = fileSize - 8 - length
        let headerBytes = data.withUnsafeBytes { Data($0[8..<(8 + length)]) }
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail(.headerNotUTF8) }

        let json: JSONValue
        do {
            json = try JSONValue.parse(headerBytes)
        } catch {
            throw fail(.headerNotJSON(Self.describeJSONError(error, in: headerBytes)))
        }
        guard case .object(let top) = json else { throw fail(.headerNotObject) }
        if let key = firstDuplicateKey(in: headerBytes) { throw fail(.duplicateKey(key)) }

        var metadata: [String: String] = [:]
        var entries: [String: SafeTensorsFile.Entry] = [:]
        for name in top.keys.sorted(by: utf8Less) {
            let value = top[name]!
            if name == Self.metadataKey {
                guard case .object(let fields) = value else {
                    throw fail(.invalidMetadata("it is \(value.typeName); expected an object of strings"))
                }
                for (key, field) in fields {
                    guard case .string(let s) = field else {
                        throw fail(.invalidMetadata("the value of \"\(key)\" is \(field.typeName); expected a string"))
                    }
                    metadata[key] = s
                }
            } else {
                do {
                    entries[name] = try Self.entry(value, dataSize: dataSize)
                } catch {
                    throw fail(error.reason, tensor: name)
                }
            }
        }
        try Self.checkOverlaps(entries, path: path)
        try Self.checkCoverage(entries, dataSize: dataSize, path: path)
        self.length = length
        self.metadata = metadata
        self.entries = entries
    }

    /// Validates one tensor entry against a data section of `dataSize` bytes.
    private static func entry(_ value: JSONValue, dataSize: Int) throws(Problem) -> SafeTensorsFile.Entry {
        guard case .object(let fields) = value else {
            throw Problem(.wrongType(field: nil, expected: "an object", found: value.typeName))
        }
        guard let dtypeValue = fields["dtype"] else { throw Problem(.missingField("dtype")) }
        guard let shapeValue = fields["shape"] else { throw Problem(.missingField("shape")) }
        guard let offsetsValue = fields["data_offsets"] else { throw Problem(.missingField("data_offsets")) }

        guard case .string(let dtypeName) = dtypeValue else {
            throw Problem(.wrongType(field: "dtype", expected: "a string", found: dtypeValue.typeName))
        }
        guard let dtype = DType(rawValue: dtypeName) else { throw Problem(.unknownDType(dtypeName)) }

        let shape = try integers(shapeValue, field: "shape", expected: "an array of integers")
        let offsets = try integers(offsetsValue, field: "data_offsets", expected: "an array of two integers")
        guard offsets.count == 2 else {
            throw Problem(.wrongType(field: "data_offsets", expected: "an array of two integers",
                             found: "an array of \(offsets.count) integers"))
        }

        guard shape.allSatisfy({ $0 >= 0 }) else { throw Problem(.negativeDimension(shape: shape)) }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw Problem(.shapeTooLarge(shape: shape)) }
            count = product
        }
        let (expectedBytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow else { throw Problem(.shapeTooLarge(shape: shape)) }

        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, end >= 0, begin <= dataSize, end <= dataSize else {
            throw Problem(.offsetsOutOfBounds(begin: begin, end: end, dataSize: dataSize))
        }
        guard begin <= end else { throw Problem(.offsetsReversed(begin: begin, end: end)) }
        guard end - begin == expectedBytes else {
            throw Problem(.byteCountMismatch(dtype: dtype, shape: shape, expected: expectedBytes, actual: end - begin))
        }
        return SafeTensorsFile.Entry(dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// The integers of a JSON array of integers.
    private static func integers(_ value: JSONValue, field: String, expected: String) throws(Problem) -> [Int] {
        guard case .array(let elements) = value else {
            throw Problem(.wrongType(field: field, expected: expected, found: value.typeName))
        }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let i) = element else {
                throw Problem(.wrongType(field: field, expected: expected, found: "an array containing \(element.typeName)"))
            }
            result.append(i)
        }
        return result
    }

    /// Throws if two tensors' byte ranges share a byte.
    private static func checkOverlaps(_ entries: [String: SafeTensorsFile.Entry], path: String) throws {
        let ranges = entries.filter { !$0.value.dataOffsets.isEmpty }
            .map { (name: $0.key, range: $0.value.dataOffsets) }
            .sorted { $0.range.lowerBound != $1.range.lowerBound
                ? $0.range.lowerBound < $1.range.lowerBound : utf8Less($0.name, $1.name) }
        var furthest: (name: String, range: Range<Int>)?
        for current in ranges {
            if let previous = furthest, current.range.lowerBound < previous.range.upperBound {
                throw SafeTensorsError(path: path, tensor: current.name,
                                       .overlap(other: previous.name,
                                                begin: current.range.lowerBound, end: current.range.upperBound,
                                                otherBegin: previous.range.lowerBound, otherEnd: previous.range.upperBound))
            }
            if furthest == nil || current.range.upperBound > furthest!.range.upperBound { furthest = current }
        }
    }

    /// Throws unless the tensors' byte ranges (already known not to overlap) cover the data
    /// section exactly: no hole between two tensors, no byte after the last one.
    private static func checkCoverage(_ entries: [String: SafeTensorsFile.Entry], dataSize: Int, path: String) throws {
        let ranges = entries.filter { !$0.value.dataOffsets.isEmpty }
            .map { (name: $0.key, range: $0.value.dataOffsets) }
            .sorted { $0.range.lowerBound < $1.range.lowerBound }
        var covered = 0
        for current in ranges {
            if current.range.lowerBound > covered {
                throw SafeTensorsError(path: path, tensor: current.name,
                                       .hole(begin: covered, end: current.range.lowerBound))
            }
            covered = current.range.upperBound
        }
        if covered < dataSize { throw SafeTensorsError(path: path, .trailingBytes(begin: covered, end: dataSize)) }
    }

    /// A short description of why `bytes` are not valid JSON.
    private static func describeJSONError(_ error: any Error, in bytes: Data) -> String {
        // JSONDecoder does not say where the text goes wrong; JSONSerialization does.
        do {
            _ = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
        } catch {
            if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        }
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return SafeTensorsFile.message(of: error)
    }
}
