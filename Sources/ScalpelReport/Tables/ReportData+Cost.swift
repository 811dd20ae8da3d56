import ScalpelTuning

extension ReportData {
    /// The wall-clock cost of each method's grid relative to full fine-tuning's: in every column
    /// with both, Σ seconds over the method's runs (every learning rate, hyperparameter and
    /// seed, diverged and failed runs included) over Σ seconds of `all`'s runs; the mean over
    /// columns. Comparable only between runs of one machine and thread count. A Cross-Val run a
    /// sweep composed from recorded block runs (`CrossValidation.compose`, `SweepBlockRuns`)
    /// records the sum of its block runs' recorded seconds, so its cost is that of computing
    /// every block, whichever study computed them.
    public func relativeCosts(architecture: String, targetSize: Int) -> [String: Double] {
        var ratios: [String: [Double]] = [:]
        for column in columns(architecture: architecture) {
            guard let all = cell(column, targetSize: targetSize, method: "all") else { continue }
            let reference = all.runs.reduce(0) { $0 + $1.seconds }
            guard reference > 0 else { continue }
            for method in methods {
                guard let c = cell(column, targetSize: targetSize, method: method) else { continue }
                ratios[method, default: []].append(c.runs.reduce(0) { $0 + $1.seconds } / reference)
            }
        }
        return ratios.mapValues { $0.reduce(0, +) / Double($0.count) }
    }

    /// How Cross-Val's cost is counted when the table has it: the sum of its block runs'
    /// recorded seconds, also for a run a sweep composed from block runs recorded earlier; and
    /// how many block runs recorded only for Cross-Val the table leaves out as rows.
    func crossValidationCostNote() -> String? {
        guard methods.contains("cross-val") else { return nil }
        var note = "A cross-val run costs the sum of its block runs' recorded seconds, also when a sweep composed it " +
            "from block runs recorded earlier (by this or another study, `--reuse`)."
        if componentRuns > 0 {
            note += " \(componentRuns) surgical block run\(componentRuns == 1 ? "" : "s") recorded for cross-val " +
                "\(componentRuns == 1 ? "is not shown as a row" : "are not shown as rows")."
        }
        return note
    }

    /// For each method that chooses a block automatically besides `cross-val` (successive
    /// halving): its mean test accuracy minus Cross-Val's over the columns that have both, in
    /// points, and the number of those columns.
    public func gapsToCrossValidation(architecture: String, targetSize: Int) -> [String: (points: Double, columns: Int)] {
        var gaps: [String: [Double]] = [:]
        for column in columns(architecture: architecture) {
            guard let cv = cell(column, targetSize: targetSize, method: "cross-val")?.testAccuracy?.mean else { continue }
            for method in methods where method.hasPrefix("successive-halving") {
                if let m = cell(column, targetSize: targetSize, method: method)?.testAccuracy?.mean {
                    gaps[method, default: []].append(100 * (m - cv))
                }
            }
        }
        return gaps.mapValues { ($0.reduce(0, +) / Double($0.count), $0.count) }
    }

    /// The closing sentence of Table 4 on automatic block selection: each successive-halving
    /// variant's gap to Cross-Val and its cost beside Cross-Val's; nil without both.
    func selectionNote(architecture: String, targetSize: Int) -> String? {
        let gaps = gapsToCrossValidation(architecture: architecture, targetSize: targetSize)
        guard !gaps.isEmpty else { return nil }
        let costs = relativeCosts(architecture: architecture, targetSize: targetSize)
        return gaps.keys.sorted().map { method in
            let (points, n) = gaps[method]!
            return "\(method): \(Format.points(points / 100)) points against cross-val (mean over \(n) " +
                "shift\(n == 1 ? "" : "s")), cost \(Format.ratio(costs[method])) of all's grid " +
                "(cross-val \(Format.ratio(costs["cross-val"])))."
        }.joined(separator: " ")
    }
}

extension Format {
    /// `1.32×`: a cost ratio.
    public static func ratio(_ r: Double?) -> String { r.map { String(format: "%.2f×", $0) } ?? "–" }
}
