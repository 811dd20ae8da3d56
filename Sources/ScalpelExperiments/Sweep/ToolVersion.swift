import Foundation

/// The git commit of the running tool, recorded with every run.
public enum ToolVersion {
    /// `SCALPEL_COMMIT` if set; else `git rev-parse HEAD` in the directory of the executable (a
    /// build inside the repository), then in the working directory; "unknown" when neither is a
    /// git checkout. A checkout with uncommitted changes gets "-dirty".
    public static let commit: String = {
        if let env = ProcessInfo.processInfo.environment["SCALPEL_COMMIT"], !env.isEmpty { return env }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent().path
        for directory in [executable, FileManager.default.currentDirectoryPath] {
            guard let head = git(["rev-parse", "HEAD"], in: directory), head.count == 40 else { continue }
            let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory).map { !$0.isEmpty } ?? false
            return dirty ? head + "-dirty" : head
        }
        return "unknown"
    }()

    static func git(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
