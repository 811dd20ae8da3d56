import ArgumentParser
import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The checks every output file named on the command line passes before any work starts: not
/// the same file as any input (compared by device and inode, so `./a` and a link to `a` are the
/// same), not a device, directory or other non-regular file (standard output is spelled `-` where a
/// command allows it), and in a directory that exists and can be written. Outputs are then written
/// to a temporary file beside the destination and renamed over it (`writeJSONAtomically`,
/// `SafeTensors.write`).
enum OutputPath {
    /// How standard output is spelled where a command can write to it.
    static let standardOutput = "-"

    /// One file a command reads: the flag that names it and its path.
    struct Input {
        let flag: String
        let path: String?
        init(_ flag: String, _ path: String?) { self.flag = flag; self.path = path }
    }

    /// Throws a `ValidationError` naming `flag` unless `path` is a writable output distinct from
    /// every input in `inputs` (nil paths are skipped).
    static func check(_ path: String, flag: String, inputs: [Input], allowsStandardOutput: Bool = false) throws {
        if path == standardOutput {
            guard allowsStandardOutput else {
                throw ValidationError("\(flag) '-': this output cannot go to standard output; name a file")
            }
            return
        }
        guard !path.isEmpty else { throw ValidationError("\(flag) is empty; name a file") }
        if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") {
            throw ValidationError("\(flag) '\(path)' is a device, not a file"
                                  + (allowsStandardOutput ? "; write '-' for standard output" : ""))
        }
        for input in inputs {
            guard let other = input.path, other != standardOutput else { continue }
            if sameFile(path, other) {
                throw ValidationError("\(flag) '\(path)' is the same file as \(input.flag) '\(other)'; it would be overwritten")
            }
        }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw ValidationError("\(flag) '\(path)' exists and is not a regular file (a directory, device or pipe)"
                                      + (allowsStandardOutput ? "; write '-' for standard output" : ""))
            }
        }
        let directory = parentDirectory(of: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(flag) '\(path)': the directory '\(directory)' does not exist")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw ValidationError("\(flag) '\(path)': the directory '\(directory)' is not writable")
        }
    }

    /// Throws unless the outputs named by `outputs` (flag, path) are pairwise different files.
    static func checkDistinct(_ outputs: [Input]) throws {
        let named = outputs.compactMap { o in o.path.map { (o.flag, $0) } }.filter { $0.1 != standardOutput }
        for i in named.indices {
            for j in named.indices where j > i && sameFile(named[i].1, named[j].1) {
                throw ValidationError("\(named[i].0) and \(named[j].0) name the same file '\(named[i].1)'")
            }
        }
    }

    /// Whether `a` and `b` name one file: the same device and inode when both exist, else the same
    /// absolute path once the directory's symbolic links are resolved.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return canonical(a) == canonical(b)
    }

    /// `path` absolute, with its directory's symbolic links resolved.
    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }

    /// The directory a new file at `path` is created in.
    static func parentDirectory(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
    }
}
