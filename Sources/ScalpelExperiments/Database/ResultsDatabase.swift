import Foundation
import GRDB

/// A SQLite results database (through GRDB): the runs of one or more sweeps.
///
/// Each run is written with its epochs in one transaction, so a sweep killed at any moment
/// leaves every run either fully recorded or absent; SQLite's journal rolls an interrupted
/// transaction back when the file is next opened.
public final class ResultsDatabase: @unchecked Sendable {
    /// The database file, as given to the initializer.
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Refuses an SQLite file that holds tables but is not a results database (no Scalpel
    /// table is added to an unrelated database). Errors name `path`.
    public init(path: String) throws {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let foreign = try read { db -> [String] in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                let applied = try ResultsSchema.migrator.appliedMigrations(db)
                return applied.contains("v1") ? [] : tables
            }
            guard foreign.isEmpty else {
                throw ResultsDatabaseError("\(path): an SQLite database that is not a Scalpel results database (it holds " +
                                           "\(foreign.prefix(5).map { "'\($0)'" }.joined(separator: ", "))\(foreign.count > 5 ? ", …" : "")); " +
                                           "nothing was written to it")
            }
            try Self.migrate(queue)
        } catch {
            throw Self.named(error, path)
        }
    }

    /// Brings the schema up to date when other processes may open the same file at the same
    /// moment (sweeps started together on a database of an older version): a migration checks
    /// what is applied and then writes, so another process can apply the same migration in
    /// between and this one fails on a table that now exists. Then the schema is up to date and
    /// nothing is left to do; any other failure is retried a few times and then thrown.
    static func migrate(_ queue: DatabaseQueue, attempts: Int = 5) throws {
        for attempt in 1...attempts {
            do {
                try ResultsSchema.migrator.migrate(queue)
                return
            } catch let error as DatabaseError where attempt < attempts {
                if try queue.read({ try ResultsSchema.migrator.hasCompletedMigrations($0) }) { return }
                _ = error
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    /// Opens an existing database to read it. It is opened writable when the file allows (and
    /// `readOnly` is false), only so that SQLite can roll back a transaction a killed sweep left
    /// behind; nothing is written. Errors name `path`.
    public init(readingFrom path: String, readOnly: Bool = false) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ResultsDatabaseError("\(path): no such results database")
        }
        guard !isDirectory.boolValue else { throw ResultsDatabaseError("\(path): a folder, not a results database") }
        self.path = path
        do {
            var configuration = Configuration()
            configuration.readonly = readOnly || !FileManager.default.isWritableFile(atPath: path)
            configuration.busyMode = .timeout(30)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let applied = try read { try ResultsSchema.migrator.appliedMigrations($0) }
            guard applied.contains("v1") else { throw ResultsDatabaseError("\(path): not a Scalpel results database") }
        } catch {
            throw Self.named(error, path)
        }
    }

    /// Closes the file; the database must not be used afterwards.
    public func close() throws {
        do { try queue.close() } catch { throw Self.named(error, path) }
    }

    /// `error` as a `ResultsDatabaseError` that names the file: SQLite's "file is not a
    /// database" becomes `PATH: not a SQLite database`.
    static func named(_ error: Error, _ path: String) -> ResultsDatabaseError {
        if let error = error as? ResultsDatabaseError { return error }
        guard let error = error as? DatabaseError else { return ResultsDatabaseError("\(path): \(error)") }
        switch error.resultCode {
        case .SQLITE_NOTADB: return ResultsDatabaseError("\(path): not a SQLite database")
        case .SQLITE_CORRUPT: return ResultsDatabaseError("\(path): the SQLite database is damaged (\(error.message ?? "corrupt"))")
        case .SQLITE_CANTOPEN: return ResultsDatabaseError("\(path): cannot be opened (a missing folder or no permission)")
        case .SQLITE_READONLY: return ResultsDatabaseError("\(path): read-only, cannot be written")
        case .SQLITE_BUSY, .SQLITE_LOCKED: return ResultsDatabaseError("\(path): locked by another process for over 30 s")
        case .SQLITE_FULL: return ResultsDatabaseError("\(path): the disk is full")
        default: return ResultsDatabaseError("\(path): SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error)")")
        }
    }

    /// `queue.read`, with errors naming the file.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch { throw Self.named(error, path) }
    }

    /// `queue.write` (one transaction), with errors naming the file.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch { throw Self.named(error, path) }
    }

    /// Keys of the runs that need no rerun (done or diverged; failed runs are retried).
    public func finishedKeys() throws -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: "SELECT key FROM runs WHERE status != ?", arguments: [RunRecord.Status.failed.rawValue]))
        }
    }

    /// Records one run and its epochs in one transaction, replacing an earlier failed attempt
    /// and deleting the claim on it (`claim(_:kind:owner:policy:attemptedSince:now:)`).
    public func record(_ run: RunRecord, epochs: [EpochRow]) throws {
        try write { db in
            _ = try RunRecord.deleteOne(db, key: run.key)
            try run.insert(db)
            for e in epochs { try e.insert(db) }
            try Self.deleteClaim(db, key: run.key)
        }
    }

    /// Records a checkpoint's parameter layout once.
    public func record(_ model: ModelRecord) throws {
        try write { db in try model.insert(db, onConflict: .ignore) }
    }

    /// Every run, in key order.
    public func runs() throws -> [RunRecord] {
        try read { try RunRecord.order(Column("key")).fetchAll($0) }
    }

    /// Every epoch of the runs with `keys` (all runs when nil), by run key, in epoch order.
    public func epochs(keys: Set<String>? = nil) throws -> [String: [EpochRow]] {
        let rows = try read { try EpochRow.order(Column("run_key"), Column("epoch")).fetchAll($0) }
        return Dictionary(grouping: rows.filter { keys?.contains($0.runKey) ?? true }, by: \.runKey)
    }

    /// Every checkpoint layout, by checkpoint hash.
    public func models() throws -> [String: ModelRecord] {
        let rows = try read { try ModelRecord.fetchAll($0) }
        return Dictionary(rows.map { ($0.checkpointSHA256, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The number of runs by status.
    public func statusCounts() throws -> [RunRecord.Status: Int] {
        try read { db in
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
    /// What is wrong, led by the database file it concerns (`PATH: …`) when there is one.
    public let description: String
    /// An error with `message` as its description.
    public init(_ message: String) { description = message }
}
