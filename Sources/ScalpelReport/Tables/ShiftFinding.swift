import ScalpelData

/// The finding of the paper a shift's table illustrates, and whether this table agrees with it.
///
/// The paper (Figure 2) finds the best block to tune follows the level of the shift: the first
/// block for input-level shifts (corruptions), a middle block for feature-level shifts (new
/// subpopulations), the last layer for output-level shifts (flipped labels, spurious attributes).
/// A method counts as the first block when its selection includes `stem` or `block1`, as the last
/// layer when it is `last` (or selects `last` alone), and as a middle block otherwise.
public enum ShiftFinding {
    /// The sentence under a shift's table, or nil when the shift's level is unknown (a user's own
    /// data set) or the table has no surgical methods to compare.
    /// - Parameters:
    ///   - shift: the shift's spec string as recorded (e.g. `fmnist-c:gaussian_noise:5`).
    ///   - means: mean test accuracy per method name, in the table's order.
    public static func note(shift: String, means: [(method: String, accuracy: Double)]) -> String? {
        guard let level = (try? ShiftSpec(parsing: shift))?.level else { return nil }
        let surgical = means.filter { $0.method.hasPrefix("surgical:") || $0.method == "last" }
        guard let best = surgical.max(by: { $0.accuracy < $1.accuracy }) else { return nil }
        let all = means.first { $0.method == "all" }?.accuracy
        let parts = best.method.dropFirst("surgical:".count).split(separator: "+").map(String.init)
        let position: String
        if best.method == "last" || parts == ["last"] { position = "last" } else if parts.contains("stem") || parts.contains("block1") {
            position = "first"
        } else {
            position = "middle"
        }
        let versusAll = all.map { " (" + Format.points(best.accuracy - $0) + " vs all)" } ?? ""
        let here = "Here the best single block is \(best.method)\(versusAll)"
        switch level {
        case .input:
            return "Input-level shift: the paper finds the first block best. \(here): "
                + (position == "first" ? "agrees." : "does not agree.")
        case .feature:
            return "Feature-level shift: the paper finds a middle block best. \(here): "
                + (position == "middle" ? "agrees." : "does not agree.")
        case .output:
            return "Output-level shift: the paper finds the last layer best. \(here): "
                + (position == "last" ? "agrees." : "does not agree.")
        case .natural:
            return "Natural shift: the paper predicts no level (its natural shifts favour an early or a middle block). \(here)."
        }
    }
}
