import Foundation

/// How long-running commands (finetune, adapt) say how much is left.
enum ProgressText {
    /// The time `total - done` more items (runs, images) take at the mean pace of the `done` so
    /// far, e.g. `3m05s`; nil when nothing is done yet or nothing is left.
    static func timeLeft(elapsed: Double, done: Int, total: Int) -> String? {
        guard done > 0, done < total, elapsed.isFinite, elapsed >= 0 else { return nil }
        return duration(elapsed / Double(done) * Double(total - done))
    }

    /// `42s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
