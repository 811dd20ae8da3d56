import Foundation
import GRDB

/// A SQLite results database (through GRDB): the runs of one or more sweeps.
///
/// Each run is written with its epochs in one transaction, so a sweep killed at any moment
/// leaves every run either fully recorded or absent; SQLite's journal rolls an interrupted
/// transaction back when the file is next opened.
public final class ResultsDatabase: @unchecked Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let queue = try Self.naming(path) { try DatabaseQueue(path: path, configuration: configuration) }
        self.queue = queue
        try Self.requireEmptyOrScalpel(queue, path: path)
        try Self.naming(path) { try ResultsSchema.migrator.migrate(queue) }
    }

    /// Opens an existing database to read it. It is opened writable when the file allows, only
    /// so that SQLite can roll back a transaction a killed sweep left behind; nothing is written.
    public init(readingFrom path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ResultsDatabaseError("no results database at '\(path)'")
        }
        self.path = path
        var configuration = Configuration()
        configuration.readonly = !FileManager.default.isWritableFile(atPath: path)
        configuration.busyMode = .timeout(30)
        let queue = try Self.naming(path) { try DatabaseQueue(path: path, configuration: configuration) }
        self.queue = queue
        let applied = try Self.naming(path) { try queue.read { try ResultsSchema.migrator.appliedMigrations($0) } }
        guard applied.contains("v1") else { throw ResultsDatabaseError("'\(path)' is not a Scalpel results database") }
    }

    /// Keys of the runs that need no rerun (done or diverged; failed runs are retried).
    public func finishedKeys() throws -> Set<String> {
        try queue.read { db in
            Set(try String.fetchAll(db, sql: "SELECT key FROM runs WHERE status != ?", arguments: [RunRecord.Status.failed.rawValue]))
        }
    }

    /// Records one run and its epochs in one transaction, replacing an earlier failed attempt.
    public func record(_ run: RunRecord, epochs: [EpochRow]) throws {
        try queue.write { db in
            _ = try RunRecord.deleteOne(db, key: run.key)
            try run.insert(db)
            for e in epochs { try e.insert(db) }
        }
    }

    /// Records a checkpoint's parameter layout once.
    public func record(_ model: ModelRecord) throws {
        try queue.write { db in try model.insert(db, onConflict: .ignore) }
    }

    /// Every run, in key order.
    public func runs() throws -> [RunRecord] {
        try queue.read { try RunRecord.order(Column("key")).fetchAll($0) }
    }

    /// Every epoch of the runs with `keys` (all runs when nil), by run key, in epoch order.
    public func epochs(keys: Set<String>? = nil) throws -> [String: [EpochRow]] {
        let rows = try queue.read { try EpochRow.order(Column("run_key"), Column("epoch")).fetchAll($0) }
        return Dictionary(grouping: rows.filter { keys?.contains($0.runKey) ?? true }, by: \.runKey)
    }

    /// Every checkpoint layout, by checkpoint hash.
    public func models() throws -> [String: ModelRecord] {
        let rows = try queue.read { try ModelRecord.fetchAll($0) }
        return Dictionary(rows.map { ($0.checkpointSHA256, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The number of runs by status.
    public func statusCounts() throws -> [RunRecord.Status: Int] {
        try queue.read { db in
            var out: [RunRecord.Status: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM runs GROUP BY status") {
                if let s = RunRecord.Status(rawValue: row["status"]) { out[s] = row["n"] }
            }
            return out
        }
    }
}

/// A results database that cannot be used.
public struct ResultsDatabaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
