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

extension ProgressText {
    /// `cell 12/75 (fog 2), about 1m10s left`.
    static func line(_ unit: String, done: Int, total: Int, elapsed: Double, item: String) -> String {
        "\(unit) \(done)/\(total) (\(item))" + (timeLeft(elapsed: elapsed, done: done, total: total).map { ", about \($0) left" } ?? "")
    }
}

/// Progress of a long command on standard error, so standard output stays the result: one line
/// redrawn in place on a terminal, else a plain line every `every` items (a log file, a pipe).
final class ProgressLine {
    let unit: String
    let total: Int
    let every: Int
    let redraws: Bool
    let started = Date()

    init(unit: String, total: Int, every: Int, redraws: Bool = isatty(STDERR_FILENO) == 1) {
        self.unit = unit
        self.total = total
        self.every = max(1, every)
        self.redraws = redraws
    }

    /// `done` items of `total` are finished, the last being `item`.
    func update(done: Int, item: String) {
        let text = ProgressText.line(unit, done: done, total: total, elapsed: Date().timeIntervalSince(started), item: item)
        if redraws { write("\r\u{1B}[K" + text + (done == total ? "\n" : "")) }
        else if done % every == 0 || done == total { write(text + "\n") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
