import Foundation
import GRDB

/// Merging results databases into a file, all or nothing.
public enum ResultsMerge {
    /// Merges the databases `inputs` into the file `target` and returns what each added.
    ///
    /// Every input is read in full before anything is written (an input that is not a results
    /// database, or whose rows do not decode, stops the merge, named). `target` may be missing,
    /// empty, or a results database; anything else (an unrelated SQLite file, a folder, a device)
    /// is refused. The merged database is built in a temporary file beside `target` (a copy of
    /// it when it exists, through SQLite's backup) and renamed onto it only when complete, so a
    /// failed or killed merge leaves `target` as it was. Do not merge into a database a sweep is
    /// writing: runs the sweep records meanwhile are not in the copy.
    public static func merge(_ inputs: [String], into target: String) throws -> [(input: String, summary: MergeSummary)] {
        guard !inputs.isEmpty else { throw ResultsDatabaseError("no results database to merge") }
        for input in inputs where sameFile(input, target) {
            throw ResultsDatabaseError("\(input): is also the merge target")
        }
        let contents = try inputs.map(ResultsContents.init(path:))
        let existing = try existingTarget(target)

        let url = URL(fileURLWithPath: target)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).merge-\(getpid())-\(UUID().uuidString).tmp").path
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) } }
        var summaries: [(String, MergeSummary)] = []
        do {
            if let existing {
                let copy = try DatabaseQueue(path: temporary)
                try existing.queue.backup(to: copy)
                try copy.close()
                try existing.close()
            }
            let merged = try ResultsDatabase(path: temporary)
            for c in contents { summaries.append((c.path, try merged.merge(c))) }
            try merged.close()
        } catch {
            // Name the target, not the temporary file.
            throw ResultsDatabaseError(ResultsDatabase.named(error, target).description.replacingOccurrences(of: temporary, with: target))
        }
        if let mode = try? FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int {
            chmod(temporary, mode_t(mode))
        }
        guard rename(temporary, target) == 0 else {
            throw ResultsDatabaseError("\(target): cannot be replaced by the merged database: \(String(cString: strerror(errno)))")
        }
        return summaries
    }

    /// The existing results database at `target`, nil when there is no file or an empty one;
    /// throws for anything else.
    static func existingTarget(_ target: String) throws -> ResultsDatabase? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw ResultsDatabaseError("\(target): not a regular file; the merge target must be a results database or a new file")
        }
        if (attributes[.size] as? Int ?? 0) == 0 { return nil }
        do {
            return try ResultsDatabase(readingFrom: target)
        } catch {
            throw ResultsDatabaseError("\(error); the merge target must be a results database or a new file")
        }
    }

    /// Whether `a` and `b` name one file (the same path, a link, or the same inode).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        let (ua, ub) = (URL(fileURLWithPath: a).resolvingSymlinksInPath(), URL(fileURLWithPath: b).resolvingSymlinksInPath())
        if ua.standardizedFileURL.path == ub.standardizedFileURL.path { return true }
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
