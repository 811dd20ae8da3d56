import Foundation

/// The git commit of the running tool, recorded with every run.
public enum ToolVersion {
    /// `SCALPEL_COMMIT` if set; else `git rev-parse HEAD` of the checkout the running executable
    /// sits in (a build inside the repository: `.build/release/scalpel`); "unknown" for an
    /// executable outside any checkout (copied or installed). A checkout with uncommitted changes
    /// gets "-dirty". The working directory is never asked: a binary built elsewhere and run
    /// inside another checkout would otherwise record that checkout's commit, not its own.
    public static let commit: String = {
        if let env = ProcessInfo.processInfo.environment["SCALPEL_COMMIT"], !env.isEmpty { return env }
        guard let directory = executableDirectory(),
              let head = git(["rev-parse", "HEAD"], in: directory), head.count == 40 else { return "unknown" }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory).map { !$0.isEmpty } ?? false
        return dirty ? head + "-dirty" : head
    }()

    /// The directory of the running executable, symbolic links resolved: `/proc/self/exe` on
    /// Linux, else Foundation's idea of it. Never derived from `argv[0]`, which is a bare name
    /// (resolved against the working directory) when the shell found the tool on `PATH`.
    static func executableDirectory() -> String? {
        let proc = "/proc/self/exe"
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: proc), target.hasPrefix("/") {
            return URL(fileURLWithPath: target).deletingLastPathComponent().path
        }
        return Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path
    }

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
