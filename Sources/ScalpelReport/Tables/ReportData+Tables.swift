import ScalpelTuning

extension ReportData {
    /// The paper's Table 4 for one architecture and target size: methods × shifts, each cell the
    /// mean (standard error) of test accuracy over seeds at the protocol's choice, each
    /// method's average rank (`rankedAverageRanks`: among one-run methods, ties sharing their
    /// mean rank, over the shifts where all of them have results), and
    /// the wall-clock cost of its grid relative to `all`'s (`relativeCosts`). When successive
    /// halving ran beside Cross-Val, the note ends with its gap to Cross-Val and both costs.
    public func methodsTable(architecture: String, targetSize: Int) -> Table {
        let columns = self.columns(architecture: architecture)
        let ranked = rankedAverageRanks(architecture: architecture, targetSize: targetSize)
        let costs = relativeCosts(architecture: architecture, targetSize: targetSize)
        let rows = methods.filter { m in columns.contains { cell($0, targetSize: targetSize, method: m) != nil } }
            .map { method in
                [method] + columns.map { Format.percent(cell($0, targetSize: targetSize, method: method)?.testAccuracy) }
                    + [Format.rank(ranked.ranks[method]), Format.ratio(costs[method])]
            }
        var note = "Mean (standard error) over seeds, in %, at the grid point with the best validation " +
            "accuracy per seed; cost: wall seconds of the method's " +
            "whole grid over those of all's, mean over shifts (same machine and threads)."
        if let rank = rankNote(ranked, architecture: architecture) { note += " " + rank }
        if let composed = crossValidationCostNote() { note += " " + composed }
        if let selection = selectionNote(architecture: architecture, targetSize: targetSize) { note += " " + selection }
        return Table(title: "Test accuracy, \(architecture), \(targetSize) tune examples per class",
                     header: ["method"] + columns.map(\.label) + ["avg rank", "cost ×all"], rows: rows, note: note)
    }

    /// Mean test accuracy by column label, then method (the input of `averageRanks`).
    public func meanScores(architecture: String, targetSize: Int) -> [String: [String: Double]] {
        var scores: [String: [String: Double]] = [:]
        for column in columns(architecture: architecture) {
            for method in methods {
                if let mean = cell(column, targetSize: targetSize, method: method)?.testAccuracy?.mean {
                    scores[column.label, default: [:]][method] = mean
                }
            }
        }
        return scores
    }

    /// The data of the paper's Figure 2: each method's mean test accuracy minus full
    /// fine-tuning's (`all`), as a fraction, by column label, then method.
    public func relativeToAll(architecture: String, targetSize: Int) -> [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for column in columns(architecture: architecture) {
            guard let all = cell(column, targetSize: targetSize, method: "all")?.testAccuracy?.mean else { continue }
            for method in methods where method != "all" {
                if let m = cell(column, targetSize: targetSize, method: method)?.testAccuracy?.mean {
                    out[column.label, default: [:]][method] = m - all
                }
            }
        }
        return out
    }

    /// Figure 2 as a table: methods × shifts, accuracy relative to full fine-tuning.
    public func relativeTable(architecture: String, targetSize: Int) -> Table? {
        let rel = relativeToAll(architecture: architecture, targetSize: targetSize)
        guard !rel.isEmpty else { return nil }
        let labels = columns(architecture: architecture).map(\.label).filter { rel[$0] != nil }
        let rows = methods.filter { m in m != "all" && rel.values.contains { $0[m] != nil } }
            .map { m in [m] + labels.map { Format.points(rel[$0]?[m]) } }
        return Table(title: "Accuracy relative to full fine-tuning, \(architecture), \(targetSize) per class",
                     header: ["method"] + labels, rows: rows,
                     note: "Mean test accuracy minus that of `all`, in percentage points (the paper's Figure 2).")
    }

    /// Accuracy against target-set size (the paper's Figure 4, left) for one column.
    public func dataEfficiencyTable(_ column: StudyColumn) -> Table? {
        guard targetSizes.count > 1 else { return nil }
        let rows = methods.filter { m in targetSizes.contains { cell(column, targetSize: $0, method: m) != nil } }
            .map { m in [m] + targetSizes.map { Format.percent(cell(column, targetSize: $0, method: m)?.testAccuracy) } }
        return Table(title: "Test accuracy against tune examples per class, \(column.label), \(checkpointName(column.checkpoint))",
                     header: ["method"] + targetSizes.map { "n=\($0)" }, rows: rows,
                     note: "Mean (standard error) over seeds, in %.")
    }

    /// Worst-group accuracy where the target has groups (spurious-correlation shifts).
    public func worstGroupTable(architecture: String, targetSize: Int) -> Table? {
        let grouped = columns(architecture: architecture).filter { c in
            methods.contains { cell(c, targetSize: targetSize, method: $0)?.worstGroupAccuracy != nil }
        }
        guard !grouped.isEmpty else { return nil }
        let rows = methods.map { m in [m] + grouped.map { Format.percent(cell($0, targetSize: targetSize, method: m)?.worstGroupAccuracy) } }
        return Table(title: "Worst-group test accuracy, \(architecture), \(targetSize) per group",
                     header: ["method"] + grouped.map(\.label), rows: rows)
    }

    /// One summary table per shift, as `scalpel demo` prints: trainable parameters, test
    /// accuracy, difference to `all`, runs (diverged/failed).
    public func shiftTable(_ column: StudyColumn, targetSize: Int) -> Table {
        let all = cell(column, targetSize: targetSize, method: "all")?.testAccuracy?.mean
        let rows: [[String]] = methods.compactMap { m in
            guard let c = cell(column, targetSize: targetSize, method: m) else { return nil }
            let mean = c.testAccuracy?.mean
            let diff = (mean != nil && all != nil && m != "all") ? mean! - all! : nil
            var runs = "\(c.runs.count)"
            if c.divergedRuns + c.failedRuns > 0 { runs += " (\(c.divergedRuns) diverged, \(c.failedRuns) failed)" }
            return [m, c.trainableParameters.map(String.init) ?? "–", Format.percent(c.testAccuracy), Format.points(diff), runs]
        }
        let means = methods.compactMap { m in
            cell(column, targetSize: targetSize, method: m)?.testAccuracy.map { (method: m, accuracy: $0.mean) }
        }
        return Table(title: "\(column.shift): \(checkpointName(column.checkpoint)), \(targetSize) tune examples per class",
                     header: ["method", "trainable", "test acc % (se)", "vs all", "runs"], rows: rows,
                     note: ShiftFinding.note(shift: column.shift, means: means))
    }
}
