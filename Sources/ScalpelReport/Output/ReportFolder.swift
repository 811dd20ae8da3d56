import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report folder that cannot be written.
public struct ReportError: Error, CustomStringConvertible {
    /// What went wrong, naming the folder or file.
    public let description: String
    /// An error with `message` as its description.
    public init(_ message: String) { description = message }
}

/// Writes a report folder whole: the files go into a fresh hidden folder beside the target
/// (`.NAME.report-PID-UUID.tmp`), which then replaces the target in one atomic exchange of the
/// two (two renames where the system has no exchange), so no file of an older report survives beside the new one and a killed report leaves nothing inside the
/// target. The target is replaced only when it is missing, empty, or holds a report (only
/// `.html`, `.md`, `.csv` and `.svg` files, `index.html` among them, and the hidden temporary
/// files of earlier versions): a folder with anything else is refused, never emptied. Hidden
/// folders that a killed report left beside the target are removed when their process is gone.
enum ReportFolder {
    static let reportExtensions: Set<String> = ["html", "md", "csv", "svg"]

    /// Writes `files` (name, text) as the folder `directory`.
    static func write(_ files: [(name: String, text: String)], to directory: String) throws {
        let target = URL(fileURLWithPath: directory).resolvingSymlinksInPath().standardizedFileURL
        let parent = target.deletingLastPathComponent(), name = target.lastPathComponent
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw ReportError("\(parent.path): cannot create the folder for the report: \(error.localizedDescription)")
        }
        let replacing = try checkReplaceable(target.path)
        removeLeftovers(of: name, in: parent.path)
        let stem = ".\(name).report-\(getpid())-\(UUID().uuidString)"
        let temporary = parent.appendingPathComponent(stem + ".tmp").path
        let old = parent.appendingPathComponent(stem + ".old").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
            for (file, text) in files {
                try Data(text.utf8).write(to: URL(fileURLWithPath: temporary + "/" + file))
            }
        } catch {
            throw ReportError("\(parent.path): cannot write the report beside \(name)/: \(error.localizedDescription)")
        }
        if replacing && exchange(temporary, target.path) {
            return  // `temporary` now holds the old report; the deferred removal deletes it.
        }
        if replacing {
            guard rename(target.path, old) == 0 else { throw renameError(target.path) }
        }
        guard rename(temporary, target.path) == 0 else {
            let error = renameError(target.path)
            if replacing { rename(old, target.path) }
            throw error
        }
        if replacing { try? FileManager.default.removeItem(atPath: old) }
    }

    /// Swaps two paths in one step (Linux's `renameat2` with `RENAME_EXCHANGE`, looked up at run
    /// time since the C library module does not declare it); false where that is unavailable,
    /// and the caller renames twice (the target is then missing for an instant).
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 1 << 1
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
        #else
        return false
        #endif
    }

    /// Whether `path` exists and may be replaced (a folder holding a report, or empty); false
    /// when it does not exist; throws when it is something else.
    static func checkReplaceable(_ path: String) throws -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        guard isDirectory.boolValue else { throw ReportError("\(path): exists and is not a folder; give a folder for the report") }
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw ReportError("\(path): cannot be read: \(error.localizedDescription)")
        }
        guard !entries.isEmpty else { return true }
        let foreign = entries.filter { entry in
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + entry, isDirectory: &isFolder), isFolder.boolValue { return true }
            if entry.hasPrefix(".") { return !entry.hasSuffix(".tmp") }
            return !reportExtensions.contains((entry as NSString).pathExtension.lowercased())
        }
        guard foreign.isEmpty && entries.contains("index.html") else {
            let shown = foreign.isEmpty ? "no index.html" : "'\(foreign.sorted().prefix(3).joined(separator: "', '"))'"
            throw ReportError("\(path): exists and is not a Scalpel report (\(shown)); give a new or empty folder, or a " +
                              "report's folder (which is replaced whole)")
        }
        return true
    }

    /// Removes `.NAME.report-PID-….tmp` and `.old` folders in `parent` whose process is gone.
    static func removeLeftovers(of name: String, in parent: String) {
        let prefix = ".\(name).report-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        where entry.hasPrefix(prefix) && (entry.hasSuffix(".tmp") || entry.hasSuffix(".old")) {
            guard let pid = Int32(entry.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: parent + "/" + entry) }
        }
    }

    static func renameError(_ path: String) -> ReportError {
        ReportError("\(path): cannot be replaced by the new report: \(String(cString: strerror(errno)))")
    }
}
