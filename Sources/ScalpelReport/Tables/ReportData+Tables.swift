import ScalpelTuning

extension ReportData {
    /// The paper's Table 4 for one checkpoint and target size: methods × shifts, each cell the
    /// mean (standard error) of test accuracy over seeds at the protocol's choice, and each
    /// method's average rank over the shifts (`averageRanks`, ties sharing their mean rank).
    public func methodsTable(_ checkpoint: (architecture: String, sha256: String), targetSize: Int) -> Table {
        let scores = meanScores(checkpoint, targetSize: targetSize)
        let ranks = averageRanks(scores)
        let rows = methods.filter { m in shifts.contains { cell(checkpoint, shift: $0, targetSize: targetSize, method: m) != nil } }
            .map { method in
                [method] + shifts.map { Format.percent(cell(checkpoint, shift: $0, targetSize: targetSize, method: method)?.testAccuracy) }
                    + [Format.rank(ranks[method])]
            }
        return Table(title: "Test accuracy, \(checkpointName(checkpoint)), \(targetSize) tune examples per class",
                     header: ["method"] + shifts + ["avg rank"], rows: rows,
                     note: "Mean (standard error) over seeds, in %, at the grid point with the best validation " +
                        "accuracy per seed; average rank over shifts (1 = best).")
    }

    /// Mean test accuracy by shift, then method (the input of `averageRanks`).
    public func meanScores(_ checkpoint: (architecture: String, sha256: String), targetSize: Int) -> [String: [String: Double]] {
        var scores: [String: [String: Double]] = [:]
        for shift in shifts {
            for method in methods {
                if let mean = cell(checkpoint, shift: shift, targetSize: targetSize, method: method)?.testAccuracy?.mean {
                    scores[shift, default: [:]][method] = mean
                }
            }
        }
        return scores
    }

    /// The data of the paper's Figure 2: each method's mean test accuracy minus full
    /// fine-tuning's (`all`), in percentage points, per shift.
    public func relativeToAll(_ checkpoint: (architecture: String, sha256: String), targetSize: Int) -> [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for shift in shifts {
            guard let all = cell(checkpoint, shift: shift, targetSize: targetSize, method: "all")?.testAccuracy?.mean else { continue }
            for method in methods where method != "all" {
                if let m = cell(checkpoint, shift: shift, targetSize: targetSize, method: method)?.testAccuracy?.mean {
                    out[shift, default: [:]][method] = m - all
                }
            }
        }
        return out
    }

    /// Figure 2 as a table: methods × shifts, accuracy relative to full fine-tuning.
    public func relativeTable(_ checkpoint: (architecture: String, sha256: String), targetSize: Int) -> Table? {
        let rel = relativeToAll(checkpoint, targetSize: targetSize)
        guard !rel.isEmpty else { return nil }
        let rows = methods.filter { m in m != "all" && rel.values.contains { $0[m] != nil } }
            .map { m in [m] + shifts.map { Format.points(rel[$0]?[m]) } }
        return Table(title: "Accuracy relative to full fine-tuning, \(checkpointName(checkpoint)), \(targetSize) per class",
                     header: ["method"] + shifts, rows: rows,
                     note: "Mean test accuracy minus that of `all`, in percentage points (the paper's Figure 2).")
    }

    /// Accuracy against target-set size (the paper's Figure 4, left), one table per shift.
    public func dataEfficiencyTable(_ checkpoint: (architecture: String, sha256: String), shift: String) -> Table? {
        guard targetSizes.count > 1 else { return nil }
        let rows = methods.filter { m in targetSizes.contains { cell(checkpoint, shift: shift, targetSize: $0, method: m) != nil } }
            .map { m in [m] + targetSizes.map { Format.percent(cell(checkpoint, shift: shift, targetSize: $0, method: m)?.testAccuracy) } }
        return Table(title: "Test accuracy against tune examples per class, \(shift), \(checkpointName(checkpoint))",
                     header: ["method"] + targetSizes.map { "n=\($0)" }, rows: rows,
                     note: "Mean (standard error) over seeds, in %.")
    }

    /// Worst-group accuracy where the target has groups (spurious-correlation shifts).
    public func worstGroupTable(_ checkpoint: (architecture: String, sha256: String), targetSize: Int) -> Table? {
        let grouped = shifts.filter { s in methods.contains { cell(checkpoint, shift: s, targetSize: targetSize, method: $0)?.worstGroupAccuracy != nil } }
        guard !grouped.isEmpty else { return nil }
        let rows = methods.map { m in [m] + grouped.map { Format.percent(cell(checkpoint, shift: $0, targetSize: targetSize, method: m)?.worstGroupAccuracy) } }
        return Table(title: "Worst-group test accuracy, \(checkpointName(checkpoint)), \(targetSize) per group",
                     header: ["method"] + grouped, rows: rows)
    }

    /// One summary table per shift, as `scalpel demo` prints: trainable parameters, test
    /// accuracy, difference to `all`, runs (diverged/failed).
    public func shiftTable(_ checkpoint: (architecture: String, sha256: String), shift: String, targetSize: Int) -> Table {
        let all = cell(checkpoint, shift: shift, targetSize: targetSize, method: "all")?.testAccuracy?.mean
        let rows: [[String]] = methods.compactMap { m in
            guard let c = cell(checkpoint, shift: shift, targetSize: targetSize, method: m) else { return nil }
            let mean = c.testAccuracy?.mean
            let diff = (mean != nil && all != nil && m != "all") ? mean! - all! : nil
            var runs = "\(c.runs.count)"
            if c.divergedRuns + c.failedRuns > 0 { runs += " (\(c.divergedRuns) diverged, \(c.failedRuns) failed)" }
            return [m, c.trainableParameters.map(String.init) ?? "–", Format.percent(c.testAccuracy), Format.points(diff), runs]
        }
        return Table(title: "\(shift): \(checkpointName(checkpoint)), \(targetSize) tune examples per class",
                     header: ["method", "trainable", "test acc % (se)", "vs all", "runs"], rows: rows)
    }
}
