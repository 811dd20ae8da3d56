/// Columns aligned with spaces for a terminal: text columns left-aligned, number columns
/// right-aligned, two spaces between columns, widths measured in characters.
struct ConsoleTable {
    enum Alignment { case left, right }

    var header: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        header = columns.map(\.0)
        alignments = columns.map(\.1)
    }

    /// The table as lines, header first; a row shorter than the header leaves its last cells empty.
    var lines: [String] {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0.indices.contains(i) ? $0[i].count : 0 }.max() ?? 0 }
        return all.map { row in
            header.indices.map { i -> String in
                let cell = row.indices.contains(i) ? row[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return alignments[i] == .left ? cell + pad : pad + cell
            }.joined(separator: "  ").replacing(/\s+$/, with: "")
        }
    }
}

/// `1 seed`, `3 seeds`.
func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
