import Foundation
import ScalpelExperiments
import ScalpelTuning

/// A report of a results database: Markdown tables in the paper's forms, SVG figures, CSV
/// exports and an `index.html` that shows them all, written as one folder (`ReportFolder`).
public struct Report {
    /// The runs, cells and adaptation panels the report shows.
    public let data: ReportData
    /// Where the data came from (the database path), shown in the page.
    public let source: String
    /// Problems found in the database (`ResultsDatabase.unreadableValues()`), listed first in `tables.md`.
    public var warnings: [String]

    /// A report of `data`; `warnings` are listed before the tables.
    public init(data: ReportData, source: String, warnings: [String] = []) {
        self.data = data
        self.source = source
        self.warnings = warnings
    }

    /// The tables, in reading order: per architecture and target size the methods table (Table 4),
    /// the relative table (Figure 2) and worst-group accuracy; then data efficiency per shift;
    /// then the test-time adaptation tables.
    public var tables: [Table] {
        var out: [Table] = []
        for a in data.architectures {
            let columns = data.columns(architecture: a)
            for n in data.targetSizes where columns.contains(where: { c in data.methods.contains { data.cell(c, targetSize: n, method: $0) != nil } }) {
                out.append(data.methodsTable(architecture: a, targetSize: n))
                if let t = data.relativeTable(architecture: a, targetSize: n) { out.append(t) }
                if let t = data.worstGroupTable(architecture: a, targetSize: n) { out.append(t) }
            }
            for c in columns { if let t = data.dataEfficiencyTable(c) { out.append(t) } }
        }
        return out + adaptationTables
    }

    /// Per test set of the adaptation runs: the adaptation table and the online curve table.
    public var adaptationTables: [Table] {
        data.adaptationPanels.flatMap { p in [data.adaptationTable(p)] + [data.onlineAdaptationTable(p)].compactMap { $0 } }
    }

    /// The Markdown document of every table.
    public var markdown: String {
        "# Results of \(URL(fileURLWithPath: source).lastPathComponent)\n\n" + summaryLine + "\n\n" +
            (warnings.isEmpty ? "" : "Warnings:\n\n" + warnings.map { "- \($0)\n" }.joined() + "\n") +
            tables.map(\.markdown).joined(separator: "\n")
    }

    /// `72 runs (70 done, 2 diverged) from 1 experiment, tool commits …`.
    public var summaryLine: String {
        let counts = Dictionary(grouping: data.runs, by: \.status).mapValues(\.count)
        let parts = [RunRecord.Status.done, .diverged, .failed].compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }
        let experiments = Set(data.runs.map(\.experiment)).sorted().joined(separator: ", ")
        let commits = Set(data.runs.map { String($0.toolCommit.prefix(12)) }).sorted().joined(separator: ", ")
        guard !data.adaptationRuns.isEmpty else {
            return "\(data.runs.count) runs (\(parts.joined(separator: ", "))) of \(experiments.isEmpty ? "no experiment" : experiments); " +
                "tool commit \(commits.isEmpty ? "–" : commits)."
        }
        let adaptationCounts = Dictionary(grouping: data.adaptationRuns, by: \.status).mapValues(\.count)
        let adaptationParts = [RunRecord.Status.done, .diverged, .failed].compactMap { s in adaptationCounts[s].map { "\($0) \(s.rawValue)" } }
        let runs = data.runs.isEmpty ? "" : "\(data.runs.count) runs (\(parts.joined(separator: ", "))) and "
        let allExperiments = Set(data.runs.map(\.experiment) + data.adaptationRuns.map(\.experiment)).sorted().joined(separator: ", ")
        let allCommits = Set((data.runs.map(\.toolCommit) + data.adaptationRuns.map(\.toolCommit)).map { String($0.prefix(12)) })
            .sorted().joined(separator: ", ")
        return runs + "\(data.adaptationRuns.count) adaptation runs (\(adaptationParts.joined(separator: ", "))) of \(allExperiments); " +
            "tool commit \(allCommits)."
    }

    /// What a terminal shows after a sweep: a table per shift, then the methods table.
    public var consoleSummary: String {
        var out: [String] = [summaryLine, ""]
        for a in data.architectures {
            let columns = data.columns(architecture: a)
            for n in data.targetSizes {
                for c in columns where data.methods.contains(where: { data.cell(c, targetSize: n, method: $0) != nil }) {
                    out.append(data.shiftTable(c, targetSize: n).plainText)
                }
                if columns.count > 1 { out.append(data.methodsTable(architecture: a, targetSize: n).plainText) }
            }
        }
        out += adaptationTables.map(\.plainText)
        return out.joined(separator: "\n")
    }

    /// Writes every output as the folder `directory`, whole (`ReportFolder`): built beside it and
    /// renamed into place, replacing an older report's folder (none of its files survive);
    /// a folder that holds anything but a report is refused. Returns the file names written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        var files: [(String, String)] = [
            ("tables.md", markdown), ("runs.csv", data.runsCSV), ("cells.csv", data.cellsCSV),
        ]
        let weights = data.tensorWeightsCSV
        if weights.split(separator: "\n").count > 1 { files.append(("tensor-weights.csv", weights)) }
        if !data.adaptationRuns.isEmpty {
            files += [("adaptation-runs.csv", data.adaptationRunsCSV), ("adaptation-cells.csv", data.adaptationCellsCSV),
                      ("adaptation-curves.csv", data.adaptationCurvesCSV)]
        }
        let figures = self.figures
        files += figures.map { ($0.file, $0.svg) }
        files.append(("index.html", HTMLIndex.page(report: self, figures: figures.map { ($0.file, $0.caption) },
                                                   downloads: files.map(\.0))))
        try ReportFolder.write(files.map { (name: $0.0, text: $0.1) }, to: directory)
        return files.map(\.0)
    }
}
