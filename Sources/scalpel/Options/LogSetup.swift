import Foundation
import Logging

/// The logging set-up of the command-line tool.
enum LogSetup {
    nonisolated(unsafe) private static var bootstrapped = false

    /// Sends swift-log output to standard error at `SCALPEL_LOG_LEVEL` (default info), once.
    static func bootstrapOnce() {
        guard !bootstrapped else { return }
        bootstrapped = true
        let level = ProcessInfo.processInfo.environment["SCALPEL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
