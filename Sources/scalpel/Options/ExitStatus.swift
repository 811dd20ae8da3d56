import ArgumentParser
import Foundation
import PyTorchCheckpoint
import SafeTensors
import ScalpelAdaptation
import ScalpelData
import ScalpelEngine
import ScalpelExperiments
import ScalpelNN
import ScalpelReport
import ScalpelTuning

/// The exit status of `scalpel`, after BSD's sysexits.h; the one place that maps errors to codes
/// (listed in docs/limits.md).
///
/// | code | meaning |
/// |------|---------|
/// | 0    | success |
/// | 64   | usage: a flag, an option value, a selection or an environment setting is wrong |
/// | 65   | data: an input file or specification is malformed, inconsistent or out of range |
/// | 70   | internal: anything else (a bug; please report it) |
/// | 74   | I/O: a file cannot be opened, read or written |
enum ExitStatus {
    static let usage: Int32 = 64
    static let data: Int32 = 65
    static let `internal`: Int32 = 70
    static let io: Int32 = 74

    /// The status for an error a command threw (other than the argument parser's own).
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let e as SafeTensorsError:
            switch e.reason {
            case .cannotRead, .cannotWrite: return io
            default: return data
            }
        case let e as DataError:
            switch e.kind {
            case .io, .fetch: return io
            case .invalidSpec: return usage
            default: return data
            }
        case is OutputWriteError, is FileHashError, is CocoaError, is POSIXError, is ReportError: return io
        case is EngineSettingError, is SelectionError, is MethodSpecError, is CorruptionError: return usage
        case is CheckpointError, is CheckpointValueError, is PretrainedModelError, is ModelConfigurationError, is ModelError, is PatchError,
             is SpecError, is SpecErrors, is ResultsDatabaseError, is AdaptationError, is PyTorchCheckpointError:
            return data
        default: return `internal`
        }
    }
}

extension Scalpel {
    /// Parses the command line, runs the command, and exits with the status `ExitStatus` gives
    /// its error: the argument parser's errors (usage, help) keep the parser's own status and text.
    /// `SCALPEL_THREADS` and `SCALPEL_POOL_LIMIT` are checked first (a bad one: status 64).
    static func runMappingExitStatus() -> Never {
        do {
            if let threads = try Engine.threadsFromEnvironment() { Engine.setThreads(threads) }
            _ = try BufferPool.limitFromEnvironment()  // refused here; BufferPool.shared reads it itself
            var command = try parseAsRoot()
            try command.run()
            Foundation.exit(0)
        } catch {
            if let setting = error as? EngineSettingError { fail("\(setting)", status: ExitStatus.usage) }
            // The parser's own errors (ValidationError, help, CleanExit, ExitCode) keep its handling.
            if exitCode(for: error) != .failure || error is ExitCode { exit(withError: error) }
            // The parser's wording of the message ("Error: …"), Scalpel's status.
            fail(fullMessage(for: error), status: ExitStatus.code(for: error))
        }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        let text = message.hasPrefix("Error: ") ? message : "Error: " + message
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
        Foundation.exit(status)
    }
}
