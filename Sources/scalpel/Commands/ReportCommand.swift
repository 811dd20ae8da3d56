import ArgumentParser
import Foundation
import ScalpelExperiments
import ScalpelReport

/// `scalpel report`: tables, figures and an HTML page from a results database.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write tables (Markdown, CSV), SVG figures and index.html from a results database; print a table per shift.",
        discussion: """
        Per seed, the grid point (learning rate, hyperparameter) with the best validation accuracy \
        is chosen, diverged runs excluded; results are the mean (standard error) over seeds of the \
        chosen runs' test accuracy. Tables: methods × shifts with average rank (the paper's Table 4), \
        accuracy relative to full fine-tuning (Figure 2), accuracy against target size (Figure 4). \
        Figures: relative-accuracy bars, data efficiency, Auto-RGN weights per tensor (Figure 6).

        Test-time adaptation runs (scalpel adapt --db, a sweep's adaptation: section): a table per \
        test set (no adaptation, BatchNorm prior only, adapted; mean (standard error) over seeds), \
        the online curves as a table and as Figure 4 (right), and adaptation-*.csv.

        The output folder is written whole: built beside it and renamed into place, so an older \
        report's files do not survive and a killed report leaves the folder as it was. A folder \
        that holds anything but a report is refused. Values in the database that do not decode \
        are listed as warnings (on standard error and in tables.md).

        Exit status: 0 on success; otherwise that of the error (64 usage, 65 a database that \
        cannot be read, 74 a folder that cannot be written, named; see docs/scaling.md).
        """)

    @Argument(help: "Results database (from scalpel sweep or scalpel merge).")
    var database: String

    @Option(name: .long, help: "Output directory (created if missing; an older report in it is replaced).")
    var out: String

    func run() throws {
        let db = try ResultsDatabase(readingFrom: database)
        let warnings = try db.unreadableValues()
        for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        let report = Report(data: try ReportData(database: db), source: database, warnings: warnings)
        let files = try report.write(to: out)
        print(report.consoleSummary)
        print("wrote \(files.count) files to \(out)/ (open \(out)/index.html)")
    }
}
