/// Class labels read from a file, checked rather than converted: a label must be an integer in
/// `0..<classes`. A float label must be finite and integral (2.7 is refused, not truncated to 2);
/// an integer label must fit the range (Int64.max is refused, not wrapped).
public enum ClassLabels {
    /// The labels `values` as integers; throws a `DataError` naming `file`, the index and the value
    /// of the first label that is not an integer in `0..<classes`.
    public static func checked(_ values: [Float], classes: Int, file: String) throws -> [Int] {
        var labels = [Int]()
        labels.reserveCapacity(values.count)
        for (index, v) in values.enumerated() {
            guard v.isFinite, v == v.rounded(), v >= 0, v < Float(classes) else {
                throw DataError(.badValue, file: file, "label \(index) is \(v); labels must be integers in 0..<\(classes)")
            }
            labels.append(Int(v))
        }
        return labels
    }

    /// Integer labels `values`, checked to lie in `0..<classes` (see `checked(_:classes:file:)`).
    public static func checked(_ values: [Int64], classes: Int, file: String) throws -> [Int] {
        if let index = values.firstIndex(where: { $0 < 0 || $0 >= Int64(classes) }) {
            throw DataError(.badValue, file: file, "label \(index) is \(values[index]); labels must be integers in 0..<\(classes)")
        }
        return values.map { Int($0) }
    }

    /// Unsigned byte labels, checked to lie in `0..<classes`.
    public static func checked(_ values: [UInt8], classes: Int, file: String) throws -> [Int] {
        try checked(values.map { Int64($0) }, classes: classes, file: file)
    }
}

extension NPY.Array {
    /// The values as class labels in `0..<classes` (see `ClassLabels`); `file` names the file in errors.
    public func labels(classes: Int, file: String) throws -> [Int] {
        switch values {
        case .uint8(let v): try ClassLabels.checked(v, classes: classes, file: file)
        case .int64(let v): try ClassLabels.checked(v, classes: classes, file: file)
        case .float32(let v): try ClassLabels.checked(v, classes: classes, file: file)
        }
    }
}
