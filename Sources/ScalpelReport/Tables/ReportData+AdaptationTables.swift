import ScalpelAdaptation
import ScalpelTuning

extension ReportData {
    /// The adaptation results on one test set: a row per configuration (method, mode, selection,
    /// settings) with the accuracy without adaptation, with BatchNorm's prior alone and adapted,
    /// each the mean (standard error) over seeds, and the adapted accuracy's gain.
    public func adaptationTable(_ panel: AdaptationPanel) -> Table {
        let rows = panel.cells.map { c -> [String] in
            let gain = c.adapted.flatMap { a in c.noAdaptation.map { a.mean - $0.mean } }
            var seeds = "\(c.seeds.count)"
            if c.failedRuns > 0 { seeds += " (\(c.failedRuns) failed)" }
            return [c.settings.method.rawValue, c.settings.mode.rawValue, c.settings.selection, c.settings.summary, seeds,
                    Format.percent(c.noAdaptation), Format.percent(c.priorOnly), Format.percent(c.adapted), Format.points(gain)]
        }
        return Table(title: "Test-time adaptation, \(title(of: panel))",
                     header: ["method", "mode", "selection", "settings", "seeds", "no adaptation", "prior only", "adapted",
                              "adapted − none"],
                     rows: rows,
                     note: "Mean (standard error) over seeds, in %. No adaptation: evaluation mode. Prior only: BatchNorm's " +
                        "prior N alone, one image at a time, no gradient step (MEMO with a finite N). Adapted: the " +
                        "predictions made while adapting, in test order. Each row is one configuration; none is chosen " +
                        "on these images.")
    }

    /// Online adaptation's cumulative accuracy against test images seen (the paper's Figure 4,
    /// right) on one test set: a row per curve point, a column per online configuration.
    public func onlineAdaptationTable(_ panel: AdaptationPanel) -> Table? {
        let cells = panel.onlineCells
        guard !cells.isEmpty else { return nil }
        let seen = Set(cells.flatMap { $0.curve.map(\.seen) }).sorted()
        let byCell = cells.map { c in Dictionary(c.curve.map { ($0.seen, $0.accuracy) }, uniquingKeysWith: { a, _ in a }) }
        let baselines = Dictionary(panel.baselineCurve.map { ($0.seen, $0) }, uniquingKeysWith: { a, _ in a })
        let hasPrior = panel.baselineCurve.contains { $0.priorOnly != nil }
        func level(_ v: Double?) -> String { v.map { String(format: "%.1f", 100 * $0) } ?? "–" }
        var header = ["images seen"] + panel.labels(cells)
        if !baselines.isEmpty { header.append("no adaptation") }
        if hasPrior { header.append("prior only") }
        return Table(title: "Online adaptation: cumulative accuracy against test images seen, \(title(of: panel))",
                     header: header,
                     rows: seen.map { n in
                         ["\(n)"] + byCell.map { Format.percent($0[n]) } + (baselines.isEmpty ? [] : [level(baselines[n]?.noAdaptation)])
                             + (hasPrior ? [level(baselines[n]?.priorOnly)] : [])
                     },
                     note: "Accuracy (%) of the predictions on the first N test images, made while adapting online; " +
                        "mean (standard error) over seeds (the paper's Figure 4, right). The last columns: the baselines' " +
                        "accuracy on the same first N images.")
    }
}
