import ScalpelTuning

/// A table as rows of cells, written out as Markdown, HTML or CSV.
public struct Table: Sendable {
    /// The heading (Markdown `###`, HTML caption, first CSV line).
    public var title: String
    /// Column headings; the first column is the row label.
    public var header: [String]
    /// Cells, one array per row, in header order.
    public var rows: [[String]]
    /// A sentence under the table.
    public var note: String?

    /// A table from its cells; nothing is checked (rows may differ in length from the header).
    public init(title: String, header: [String], rows: [[String]], note: String? = nil) {
        self.title = title
        self.header = header
        self.rows = rows
        self.note = note
    }
}

/// Formats of the paper's numbers.
public enum Format {
    /// `84.3 (0.4)`: accuracy and standard error in percent.
    public static func percent(_ s: Summary?) -> String {
        guard let s else { return "–" }
        return String(format: "%.1f (%.1f)", 100 * s.mean, 100 * s.standardError)
    }

    /// `+1.2` / `−0.5`: a difference in percentage points.
    public static func points(_ d: Double?) -> String {
        guard let d else { return "–" }
        return (d >= 0 ? "+" : "−") + String(format: "%.1f", abs(100 * d))
    }

    /// A mean rank with two decimals (`2.50`), or `–` when nil.
    public static func rank(_ r: Double?) -> String { r.map { String(format: "%.2f", $0) } ?? "–" }
}
