extension Table {
    /// A GitHub Markdown table under a `###` heading, with the note below.
    public var markdown: String {
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        var out = ["### \(title)", "", line(header), "|" + header.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: "|") + "|"]
        out += rows.map(line)
        if let note { out += ["", note] }
        return out.joined(separator: "\n") + "\n"
    }

    /// Columns aligned with spaces, for a terminal.
    public var plainText: String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0.indices.contains(i) ? $0[i].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(widths[i] - c.count, 0))
                return i == 0 ? c + pad : pad + c
            }.joined(separator: "  ")
        }
        return ([title, line(header)] + rows.map(line) + (note.map { [HTML.stripCode($0)] } ?? [])).joined(separator: "\n") + "\n"
    }

    /// An HTML `<table>` with a caption.
    public var html: String {
        var out = "<table>\n<caption>\(HTML.plain(title))</caption>\n<thead><tr>"
        out += header.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows { out += "<tr>" + row.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n" }
        out += "</tbody>\n</table>\n"
        if let note { out += "<p class=\"note\">\(HTML.inline(note))</p>\n" }
        return out
    }
}

/// Escaping for HTML and SVG text.
public enum HTML {
    /// `text` escaped, with Markdown code spans (`` `all` ``) as `<code>` elements: for HTML
    /// paragraphs that may name a method or a file.
    public static func inline(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count > 2 else { return escape(text) }
        return parts.enumerated().map { i, part in
            // Odd parts are inside a pair of backticks; an unpaired last backtick stays literal.
            if i % 2 == 1 { return i == parts.count - 1 ? "`" + escape(String(part)) : "<code>\(escape(String(part)))</code>" }
            return escape(String(part))
        }.joined()
    }

    /// `text` escaped as plain text, Markdown backticks removed: for captions, titles and SVG text,
    /// which cannot show code spans.
    public static func plain(_ text: String) -> String { escape(stripCode(text)) }

    /// `text` without the backticks of Markdown code spans.
    public static func stripCode(_ text: String) -> String { text.replacingOccurrences(of: "`", with: "") }

    /// `text` with `&`, `<`, `>` and `"` escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
