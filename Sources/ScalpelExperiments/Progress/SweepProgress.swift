import Foundation
import Logging

/// What a sweep tells about its progress.
public protocol SweepObserver: AnyObject {
    /// The sweep starts: `total` runs to do, `skipped` already in the database.
    func sweepStarted(total: Int, skipped: Int)
    /// A message (a session being prepared, a failure).
    func note(_ message: String, level: Logger.Level)
    /// A run was recorded.
    func runFinished(_ record: RunRecord)
    /// A run was copied from another study's database (`source`) instead of computed.
    func runReused(_ record: RunRecord, from source: String)
    /// An adaptation run was recorded.
    func adaptationFinished(_ record: AdaptationRunRecord)
    /// Every run was attempted.
    func sweepFinished()
}

extension SweepObserver {
    /// By default an adaptation run is not reported.
    public func adaptationFinished(_ record: AdaptationRunRecord) {}

    /// By default a reused run is reported as a note.
    public func runReused(_ record: RunRecord, from source: String) {
        note("\(record.label) reused from \(source) (experiment \(record.experiment), commit \(record.toolCommit))", level: .info)
    }
}

/// Progress on standard error: a bar with an ETA over runs when it is a terminal, plain log
/// lines (one per run, through swift-log) otherwise, e.g. in a SLURM log or a pipe.
public final class SweepProgress: SweepObserver {
    let logger: Logger
    let drawsBar: Bool
    var total = 0
    var finished = 0
    var started = Date()
    var lastLine = ""

    /// Progress through `logger`; `isTerminal` (default: whether standard error is a terminal) draws
    /// the bar instead of a log line per run.
    public init(logger: Logger = Logger(label: "scalpel.sweep"), isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.logger = logger
        self.drawsBar = isTerminal
    }

    /// Starts the count of `total` runs and the ETA clock, and logs how many runs there are to do
    /// and how many are already recorded.
    public func sweepStarted(total: Int, skipped: Int) {
        self.total = total
        started = Date()
        note("\(total) runs to do" + (skipped > 0 ? ", \(skipped) already recorded" : ""), level: .info)
    }

    /// Logs `message` on its own line; the bar (if shown) is cleared first and drawn again at
    /// the next finished run, so lines other code writes meanwhile (data loading) stay apart.
    public func note(_ message: String, level: Logger.Level) {
        if drawsBar && finished > 0 { write("\r\u{1B}[K") }
        logger.log(level: level, "\(message)")
    }

    /// Counts the run and shows it: shift, method, size, learning rate, seed and either its
    /// validation and test accuracy (done) or its status and message.
    public func runFinished(_ r: RunRecord) {
        finished += 1
        let hp = r.hyperparameter.map { " h=\($0)" } ?? ""
        let outcome = r.status == .done ? String(format: "val %.1f%% test %.1f%%", 100 * (r.bestValidationAccuracy ?? 0),
                                                 100 * (r.testAccuracy ?? 0))
            : r.status.rawValue + (r.message.map { ": \($0)" } ?? "")
        lastLine = "\(r.shift) \(r.method) n=\(r.targetSize) lr=\(r.learningRate)\(hp) seed \(r.seed): \(outcome)"
        if drawsBar { redraw() } else {
            logger.info("run \(finished)/\(total) \(r.status.rawValue) \(lastLine) (\(String(format: "%.1f", r.seconds)) s)")
        }
    }

    /// Counts the run and shows it as reused, with the database, experiment and commit it came from.
    public func runReused(_ r: RunRecord, from source: String) {
        finished += 1
        lastLine = "\(r.shift) \(r.method) n=\(r.targetSize) lr=\(r.learningRate) seed \(r.seed): reused"
        if drawsBar { redraw() } else {
            logger.info("run \(finished)/\(total) reused \(lastLine) from \(source) (experiment \(r.experiment), commit \(r.toolCommit))")
        }
    }

    /// Counts the adaptation run and shows it: accuracy without and with adaptation, or the failure.
    public func adaptationFinished(_ r: AdaptationRunRecord) {
        finished += 1
        let outcome = r.status == .failed ? "failed" + (r.message.map { ": \($0)" } ?? "")
            : String(format: "no adaptation %.1f%% → adapted %.1f%%", 100 * (r.noAdaptationAccuracy ?? 0),
                     100 * (r.adaptedAccuracy ?? 0))
        lastLine = "\(r.shift) \(r.method) \(r.mode) \(r.selection) lr=\(Float(r.learningRate)) seed \(r.seed): \(outcome)"
        if drawsBar { redraw() } else {
            logger.info("run \(finished)/\(total) \(r.status.rawValue) \(lastLine) (\(String(format: "%.1f", r.seconds)) s)")
        }
    }

    /// Clears the bar and logs how many runs finished and how long the sweep took.
    public func sweepFinished() {
        if drawsBar && finished > 0 { write("\r\u{1B}[K") }
        logger.info("\(finished) runs in \(Self.duration(Date().timeIntervalSince(started)))")
    }

    /// `[#####-----] 12/40 runs, 3m10s left | <last run>`.
    func redraw() {
        guard drawsBar, total > 0 else { return }
        let width = 24
        let filled = width * finished / total
        let elapsed = Date().timeIntervalSince(started)
        let eta = finished > 0 ? Self.duration(elapsed / Double(finished) * Double(total - finished)) + " left" : "ETA …"
        var line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) +
            "] \(finished)/\(total) runs, \(eta)"
        if !lastLine.isEmpty { line += " | " + lastLine }
        write("\r\u{1B}[K" + String(line.prefix(160)))
    }

    func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// `1h02m`, `3m10s`, `42s`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
