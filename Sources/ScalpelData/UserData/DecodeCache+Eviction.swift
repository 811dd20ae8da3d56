import Foundation
import ScalpelEngine

/// The decode cache's size cap, kept by least-recently-used eviction.
///
/// A hit marks its file as used (its modification time set to now). After a new file is
/// written, while the directory's cache files (`<64 hex digits>.u8`, regular files) together
/// take more than the cap, the least recently used one (oldest modification time; ties by name)
/// is deleted — never the file just written. Temporary files of interrupted writes
/// (`<cache file name>.tmp-*`) older than a day are deleted in the same pass; nothing else in
/// the directory is ever touched. A set whose file alone would exceed the cap is not written.
extension DecodeCache {
    /// Temporary files older than this many seconds are leftovers of an interrupted write.
    static let staleTemporaryAge: TimeInterval = 86_400

    /// Whether `name` is a cache file's name: 64 lowercase hexadecimal digits, then `.u8`.
    static func isCacheFileName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 67, name.hasSuffix(".u8") else { return false }
        return bytes[0..<64].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Whether `name` is a temporary file of a cache write: a cache file's name, then `.tmp-`.
    static func isTemporaryFileName(_ name: String) -> Bool {
        guard let range = name.range(of: ".tmp-") else { return false }
        return isCacheFileName(String(name[..<range.lowerBound]))
    }

    /// The size in bytes of `set`'s cache file (header, labels, samples, CRC); nil on overflow.
    static func fileSize(of set: ImageSet) -> Int? {
        let (samples, o1) = set.count.multipliedReportingOverflow(by: set.imageSize)
        let (labels, o2) = set.count.multipliedReportingOverflow(by: 4)
        let (total, o3) = samples.addingReportingOverflow(headerSize + labels + 4)
        return o1 || o2 || o3 ? nil : total
    }

    /// Marks the cache file at `path` as just used (its modification time set to now), so
    /// eviction keeps it longest; a failure (a read-only cache) only loses that ordering.
    static func markUsed(_ path: String) {
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
    }

    /// Deletes the least recently used cache files of `directory` (never `kept`, a file name in
    /// it) until the rest take at most `maxBytes`, and temporary files older than a day; returns
    /// the names deleted. Files that vanish meanwhile (another process evicting) count as deleted.
    @discardableResult
    static func evict(in directory: String, maxBytes: Int, keeping kept: String, now: Date = Date()) -> [String] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
        var files: [(name: String, size: Int, used: Date)] = []
        var removed: [String] = []
        for name in names {
            let cache = isCacheFileName(name), temporary = isTemporaryFileName(name)
            guard cache || temporary, let attributes = try? manager.attributesOfItem(atPath: directory + "/" + name),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = (attributes[.size] as? NSNumber)?.intValue,
                  let used = attributes[.modificationDate] as? Date else { continue }
            if temporary {
                if now.timeIntervalSince(used) > staleTemporaryAge, remove(directory + "/" + name) { removed.append(name) }
            } else {
                files.append((name, size, used))
            }
        }
        var total = files.reduce(0) { $0 &+ $1.size }
        var freed = 0
        for file in files.sorted(by: { ($0.used, $0.name) < ($1.used, $1.name) }) where total > maxBytes && file.name != kept {
            guard remove(directory + "/" + file.name) else { continue }
            total -= file.size
            freed += file.size
            removed.append(file.name)
        }
        if freed > 0 {
            Shell.log("decode cache: removed the \(removed.filter(isCacheFileName).count) least recently used file(s), " +
                      "\(byteText(freed)), to stay within its cap of \(byteText(maxBytes)) (\(directory))")
        }
        return removed
    }

    /// Unlinks `path`; true when it is gone (removed now or already missing).
    private static func remove(_ path: String) -> Bool {
        do { try FileManager.default.removeItem(atPath: path); return true } catch {
            return !FileManager.default.fileExists(atPath: path)
        }
    }

    /// `bytes` for a log line: in GiB, MiB or KiB with one decimal, else in bytes.
    static func byteText(_ bytes: Int) -> String {
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift {
            return String(format: "%.1f", Double(bytes) / Double(1 << shift)) + " " + unit
        }
        return "\(bytes) bytes"
    }
}

extension UserDataOptions {
    /// The default cap of the decode cache's directory: 20 GiB.
    public static let defaultCacheMaxBytes = 20 << 30

    /// A byte count written as digits, optionally followed by `K`, `M`, `G` or `T` (powers of
    /// 1024, either case; `50G` is 50·2³⁰), as `SCALPEL_DECODE_CACHE_MAX` takes it; nil unless it
    /// is such a text of a positive count that fits an `Int` (`ByteCount.parse`, above 0).
    public static func byteCount(parsing text: String) -> Int? {
        guard let bytes = ByteCount.parse(text), bytes > 0 else { return nil }
        return bytes
    }
}
