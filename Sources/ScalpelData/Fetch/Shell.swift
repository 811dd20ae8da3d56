import Foundation

/// Running the external programs data fetching needs (apt-get, pip, python3) via Foundation's Process.
enum Shell {
    struct Result { var status: Int32; var output: String }

    /// Runs `executable` (looked up on PATH) with `arguments`; its stdout and stderr are collected.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw DataError(.fetch, file: executable, "cannot start: \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs a command and throws, with the tail of its output, when it fails.
    static func check(_ executable: String, _ arguments: [String], what: String) throws {
        log("$ \(([executable] + arguments).joined(separator: " "))")
        let result = try run(executable, arguments)
        guard result.status == 0 else {
            let tail = result.output.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw DataError(.fetch, file: what, "`\(executable) \(arguments.joined(separator: " "))` exited " +
                            "\(result.status):\n\(tail)")
        }
    }

    /// Whether the current user is root (apt-get needs root; otherwise sudo is used).
    static var isRoot: Bool { getuid() == 0 }

    /// Writes one line to stderr, prefixed so data-set activity is recognisable in a run's log.
    static func log(_ message: String) {
        FileHandle.standardError.write(Data("[scalpel data] \(message)\n".utf8))
    }
}
