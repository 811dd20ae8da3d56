/// Mean and standard error of a sample, as the paper reports results over seeds:
/// mean = Σx/n, standard error = s/√n with s² = Σ(x − mean)²/(n − 1) (0 when n = 1).
public struct Summary: Codable, Sendable, Equatable {
    /// The sample mean.
    public var mean: Double
    /// The standard error of the mean, s/√n (0 for a single value).
    public var standardError: Double
    /// The sample size n.
    public var count: Int

    /// A summary from its values, unchecked.
    public init(mean: Double, standardError: Double, count: Int) {
        self.mean = mean
        self.standardError = standardError
        self.count = count
    }

    /// The summary of `values`; nil when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        self.init(mean: mean, standardError: (variance / n).squareRoot(), count: values.count)
    }
}

/// Average rank of methods over data sets (the paper's Table 4, last column): on each data set
/// methods are ranked by score, best = 1, ties sharing the mean of their ranks; a method's
/// average rank is the mean of its ranks over the data sets where it has a score.
public func averageRanks(_ scores: [String: [String: Double]]) -> [String: Double] {
    var ranks: [String: [Double]] = [:]
    for (_, byMethod) in scores {
        let sorted = byMethod.sorted { $0.value > $1.value }
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1].value == sorted[i].value { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[sorted[k].key, default: []].append(rank) }
            i = j + 1
        }
    }
    return ranks.mapValues { $0.reduce(0, +) / Double($0.count) }
}
