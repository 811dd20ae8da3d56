import Foundation
import Synchronization

/// A process-wide memo of loaded data sets, so that building several shifts (or a test suite)
/// decodes each file once. `ImageSet` is copy-on-write, so a cached set handed out twice shares
/// one buffer until someone mutates it. Entries are keyed by path, size and modification time,
/// so a replaced file is read again.
public enum LoadCache {
    private static let entries = Mutex<[String: ImageSet]>([:])

    /// The cached set for `paths`, or the result of `load` (then cached).
    static func value(for paths: [String], load: () throws -> ImageSet) throws -> ImageSet {
        let key = paths.map { path -> String in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
            let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(path)|\(size)|\(date)"
        }.joined(separator: ";")
        // The lock is held while loading, so concurrent callers wait for one load instead of
        // decoding the same file twice.
        return try entries.withLock { cache in
            if let hit = cache[key] { return hit }
            let set = try load()
            cache[key] = set
            return set
        }
    }

    /// Drops every cached set (frees the memory once no caller holds them).
    public static func clear() { entries.withLock { $0.removeAll() } }
}
