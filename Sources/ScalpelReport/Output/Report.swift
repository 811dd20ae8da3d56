import Foundation
import ScalpelExperiments
import ScalpelTuning

/// A report of a results database: Markdown tables in the paper's forms, SVG figures, CSV
/// exports and an `index.html` that shows them all, written as one folder (`ReportFolder`).
public struct Report {
    public let data: ReportData
    public let source: String
    /// Problems found in the database (`ResultsDatabase.unreadableValues()`), listed first in `tables.md`.
    public var warnings: [String]

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

    /// The figures as (file name, caption, SVG).
    public var figures: [(file: String, caption: String, svg: String)] {
        var out: [(String, String, String)] = []
        for a in data.architectures {
            let suffix = data.architectures.count > 1 ? "-\(a)" : ""
            let columns = data.columns(architecture: a)
            let labels = columns.map(\.label)
            let methodColors = Palette.methodColors(data.methods)
            for n in data.targetSizes {
                let rel = data.relativeToAll(architecture: a, targetSize: n)
                let sizeSuffix = data.targetSizes.count > 1 ? "-n\(n)" : ""
                if let svg = RelativeAccuracyFigure.svg(relative: rel, shifts: labels, methods: data.methods.filter { $0 != "all" },
                                                        title: "Accuracy relative to full fine-tuning — \(a), n=\(n)",
                                                        colors: methodColors) {
                    out.append(("figure2-relative\(suffix)\(sizeSuffix).svg",
                                "Each method's test accuracy minus full fine-tuning's, per shift, in the method colours (Figure 2).", svg))
                }
            }
            var accuracy: [String: [String: [Int: Summary]]] = [:]
            for c in columns {
                for m in data.methods {
                    for n in data.targetSizes {
                        if let s = data.cell(c, targetSize: n, method: m)?.testAccuracy { accuracy[c.label, default: [:]][m, default: [:]][n] = s }
                    }
                }
            }
            if let svg = DataEfficiencyFigure.svg(accuracy: accuracy, shifts: labels, methods: data.methods,
                                                  sizes: data.targetSizes, title: "Accuracy against target-set size — \(a)",
                                                  colors: methodColors) {
                out.append(("figure4-data-efficiency\(suffix).svg", "Test accuracy against tune examples per class (Figure 4, left).", svg))
            }
            if let svg = AutoRGNWeightsFigure.svg(panels: autoRGNPanels(columns), title: "Auto-RGN weights per tensor — \(a)") {
                out.append(("figure6-auto-rgn\(suffix).svg",
                            "Auto-RGN's per-tensor weights accumulated over epochs, in the block colours (input dark, output light), for the chosen run " +
                            "of the first seed (Figure 6).", svg))
            }
        }
        return out + adaptationFigures
    }

    /// Figure 4 (right) per architecture of the adaptation runs: a panel per test set with online runs.
    public var adaptationFigures: [(file: String, caption: String, svg: String)] {
        let architectures = data.adaptationArchitectures
        return architectures.compactMap { a in
            let panels = data.adaptationPanels.filter { $0.architecture == a }.compactMap { p -> OnlineAdaptationFigure.Panel? in
                let cells = p.onlineCells
                guard !cells.isEmpty else { return nil }
                let series = zip(p.labels(cells), cells).map { OnlineAdaptationFigure.Series(label: $0, points: $1.curve) }
                // The baselines on the same images when the runs recorded them, else their levels;
                // BatchNorm's prior alone only when the panel's MEMO runs share one (TENT has none).
                let curve = p.baselineCurve
                let priors = Set(cells.compactMap { $0.priorOnly?.mean })
                let noAdaptation: OnlineAdaptationFigure.Reference? = curve.isEmpty
                    ? cells.first?.noAdaptation.map { .level($0.mean) } : .curve(curve.map { ($0.seen, $0.noAdaptation) })
                let priorCurve = curve.compactMap { b in b.priorOnly.map { (seen: b.seen, accuracy: $0) } }
                let priorOnly: OnlineAdaptationFigure.Reference? = !priorCurve.isEmpty
                    ? .curve(priorCurve) : (priors.count == 1 ? .level(priors.first!) : nil)
                return OnlineAdaptationFigure.Panel(title: data.title(of: p), series: series, noAdaptation: noAdaptation,
                                                    priorOnly: priorOnly)
            }
            guard let svg = OnlineAdaptationFigure.svg(panels: panels, title: "Online test-time adaptation — \(a)") else { return nil }
            return ("figure4-online-adaptation\(architectures.count > 1 ? "-\(a)" : "").svg",
                    "Cumulative accuracy against test images seen while adapting online, a line per selection " +
                    "(mean over seeds, standard-error whiskers); dashed: no adaptation and BatchNorm's prior alone on the " +
                    "same images (Figure 4, right).",
                    svg)
        }
    }

    /// One Figure 6 panel per column (and target size) with an Auto-RGN cell: the chosen run of its first seed.
    func autoRGNPanels(_ columns: [StudyColumn]) -> [AutoRGNWeightsFigure.Panel] {
        var panels: [AutoRGNWeightsFigure.Panel] = []
        for n in data.targetSizes {
            for c in columns {
                let order = data.models[c.checkpoint.sha256]?.decodedParameters.map { ($0.name, $0.block) }
                for m in data.methods where m.hasPrefix("auto-rgn") {
                    guard let cell = data.cell(c, targetSize: n, method: m), let seed = cell.seeds.first(where: { cell.chosen[$0] != nil }),
                          let run = cell.chosen[seed] else { continue }
                    let epochs = run.result.epochs.compactMap(\.tensorWeights)
                    let tensors = order ?? epochs.first.map { $0.keys.sorted().map { ($0, "") } } ?? []
                    panels.append(.init(title: "\(c.label) — \(m), n=\(n), seed \(seed), lr \(Float(run.record.learningRate))",
                                        epochs: epochs, tensors: tensors.map { (name: $0.0, block: $0.1) }))
                }
            }
        }
        return panels
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
