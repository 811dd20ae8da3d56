/// Comma-separated values (RFC 4180): fields with a comma, quote or line break are quoted.
public enum CSV {
    /// `text` as one field: unchanged, or in double quotes with inner quotes doubled when it holds a
    /// comma, quote or line break.
    public static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// The header and rows as CSV lines, each ending with a line feed.
    public static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
