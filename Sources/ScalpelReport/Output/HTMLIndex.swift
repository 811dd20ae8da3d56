/// The report's `index.html`: the summary, every table, every figure inline, and links to the
/// Markdown and CSV files. Self-contained apart from the SVG files beside it.
public enum HTMLIndex {
    /// The whole page: the report's summary and tables, each of `figures` as an image with its caption,
    /// and links to those `downloads` that end in `.csv` or `.md`.
    public static func page(report: Report, figures: [(file: String, caption: String)], downloads: [String]) -> String {
        let style = """
        body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
        table { border-collapse: collapse; margin: 1em 0 0.3em; font-size: 14px; }
        caption { text-align: left; font-weight: bold; padding-bottom: 0.4em; }
        th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        thead th { border-bottom: 2px solid #444; }
        p.note { color: #666; font-size: 13px; margin-top: 0; }
        figure { margin: 2em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
        figcaption { color: #555; font-size: 13px; }
        """
        var body = "<h1>Surgical fine-tuning results</h1>\n<p>\(HTML.inline(report.summaryLine))</p>\n"
        body += "<p>Source: <code>\(HTML.escape(report.source))</code>. Downloads: " +
            downloads.filter { $0.hasSuffix(".csv") || $0.hasSuffix(".md") }.map { "<a href=\"\($0)\">\($0)</a>" }.joined(separator: ", ") + ".</p>\n"
        body += "<h2>Tables</h2>\n" + report.tables.map(\.html).joined(separator: "\n")
        if !figures.isEmpty {
            body += "<h2>Figures</h2>\n"
            for f in figures {
                body += "<figure><img src=\"\(f.file)\" alt=\"\(HTML.plain(f.caption))\"><figcaption>\(HTML.plain(f.caption))</figcaption></figure>\n"
            }
        }
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Scalpel report</title>\n" +
            "<style>\n\(style)\n</style>\n</head>\n<body>\n\(body)</body>\n</html>\n"
    }
}
