import ScalpelTuning

/// A table as rows of cells, written out as Markdown, HTML or CSV.
public struct Table: Sendable {
    public var title: String
    public var header: [String]
    public var rows: [[String]]
    /// A sentence under the table.
    public var note: String?

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

    public static func rank(_ r: Double?) -> String { r.map { String(format: "%.2f", $0) } ?? "–" }
}
