import ScalpelTuning

extension ReportData {
    /// Whether Table 4 ranks `method`: the paper ranks the methods that take one fine-tuning run
    /// per grid point and leaves Cross-Val unranked, since it chooses a block from a run per
    /// block; successive halving, which also chooses a block from several runs, is left
    /// unranked with it. Unparseable names (hand-written databases) are ranked.
    static func isRanked(_ method: String) -> Bool {
        !((try? MethodSpec(parsing: method))?.choosesBlock ?? false)
    }

    /// Table 4's average ranks: among the ranked methods (`isRanked`), over the shifts where
    /// every one of them has a result, so that no method's rank rests on a different set of
    /// shifts (a partly run study ranks on the shifts it completed). `shifts` is how many.
    public func rankedAverageRanks(architecture: String, targetSize: Int) -> (ranks: [String: Double], shifts: Int) {
        let scores = meanScores(architecture: architecture, targetSize: targetSize)
            .mapValues { $0.filter { Self.isRanked($0.key) } }
        let ranked = Set(scores.values.flatMap(\.keys))
        let complete = scores.filter { Set($0.value.keys) == ranked }
        guard ranked.count > 1, !complete.isEmpty else { return ([:], 0) }
        return (averageRanks(complete), complete.count)
    }

    /// The note's sentence on the rank column for `rankedAverageRanks`'s result `ranked`, or nil
    /// when nothing was ranked.
    func rankNote(_ ranked: (ranks: [String: Double], shifts: Int), architecture: String) -> String? {
        let (ranks, shifts) = ranked
        guard !ranks.isEmpty else { return nil }
        let total = columns(architecture: architecture).count
        let over = shifts == total ? "the \(shifts) shifts" : "the \(shifts) of \(total) shifts where every ranked method has results"
        let unranked = methods.contains { !Self.isRanked($0) }
            ? " among the methods that take one run per grid point (as in the paper, Cross-Val and successive halving are not ranked)"
            : ""
        return "Average rank (1 = best)\(unranked), over \(over)."
    }
}
