import ArgumentParser
import ScalpelNN
import ScalpelTuning

extension FinetuneCommand {
    /// Checks every grid flag before any work: the method's own hyperparameters in their ranges
    /// (L1-SP's λ ≥ 0 and finite; Auto-SNR's threshold in [0, 1], as normalized SNRs are), and no
    /// value given twice in a grid or in --seeds (a repeated seed would count one run twice in the
    /// mean and its standard error).
    func checkGrids() throws {
        try requireDistinct(try parseList(seeds, flag: "--seeds", as: UInt64.self), flag: "--seeds")
        try requireDistinct(try learningRates(), flag: "--lr")
        if let lambda {
            let values = try parseList(lambda, flag: "--lambda", as: Double.self)
            for v in values where !(v >= 0 && v.isFinite) {
                throw ValidationError("--lambda: every λ must be a finite number ≥ 0, got \(v)")
            }
            try requireDistinct(values, flag: "--lambda")
        }
        if let threshold {
            let values = try parseList(threshold, flag: "--threshold", as: Double.self)
            for v in values where !(0...1).contains(v) {
                throw ValidationError("--threshold: every threshold must be in [0, 1] (SNRs are normalized), got \(v)")
            }
            try requireDistinct(values, flag: "--threshold")
        }
    }
}

/// Throws a `ValidationError` naming `flag` if a value appears twice in `values`.
func requireDistinct<T: Hashable>(_ values: [T], flag: String) throws {
    var seen = Set<T>()
    for v in values where !seen.insert(v).inserted {
        throw ValidationError("\(flag): \(v) appears twice; give each value once")
    }
}
