import Foundation
import GRDB

extension ResultsDatabase {
    /// Opens the results database at `path` read-only, as a source of finished runs for a sweep
    /// writing `sweepDatabase` (`SweepRunner.reuseSources`). Validated like a merge input: the
    /// file must exist and be a Scalpel results database (an unrelated SQLite file, a text file
    /// or a folder is refused, named), written by a schema this build knows (a database a newer
    /// Scalpel migrated further is refused), and not the sweep's own database.
    public convenience init(reusingFrom path: String, sweepDatabase: String) throws {
        if ResultsMerge.sameFile(path, sweepDatabase) {
            throw ResultsDatabaseError("\(path): is the sweep's own database; reuse reads other studies' databases")
        }
        try self.init(readingFrom: path, readOnly: true)
        let superseded = try read { try ResultsSchema.migrator.hasBeenSuperseded($0) }
        guard !superseded else {
            let known = Set(ResultsSchema.migrator.migrations)
            let stored = try read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
            let unknown = stored.filter { !known.contains($0) }.sorted()
            throw ResultsDatabaseError("\(path): written by a newer Scalpel (schema \(unknown.joined(separator: ", ")) " +
                                       "unknown to this build); update Scalpel to reuse its runs")
        }
    }

    /// The run with `key` and its epochs, if it is finished (done or diverged).
    public func finishedRun(key: String) throws -> (run: RunRecord, epochs: [EpochRow])? {
        try read { db in
            guard let run = try RunRecord.fetchOne(db, key: key), run.status != .failed else { return nil }
            let epochs = try EpochRow.filter(Column("run_key") == key).order(Column("epoch")).fetchAll(db)
            return (run, epochs)
        }
    }

    /// Marks the finished runs among `keys` that were recorded only as another method's block
    /// runs (`RunConfiguration.componentOf`) as runs in their own right: a sweep that plans them
    /// adopts them, so reports show them as the study's runs. Returns how many it changed.
    @discardableResult
    public func adoptComponents(_ keys: Set<String>) throws -> Int {
        try write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, configuration FROM runs WHERE configuration LIKE '%\"componentOf\"%'")
            var changed = 0
            for row in rows {
                let key: String = row["key"]
                guard keys.contains(key), var configuration = RunConfiguration(json: row["configuration"]) else { continue }
                configuration.componentOf = nil
                try db.execute(sql: "UPDATE runs SET configuration = ? WHERE key = ?", arguments: [configuration.json, key])
                changed += 1
            }
            return changed
        }
    }
}

extension RunRecord {
    /// The configuration the record stores, nil when it does not decode.
    public var decodedConfiguration: RunConfiguration? { RunConfiguration(json: configuration) }

    /// Whether the run was recorded only as a part of another method's run (Cross-Val's block runs).
    public var isComponent: Bool { configuration.contains("\"componentOf\"") && decodedConfiguration?.componentOf != nil }

    /// The record as a run of its own (`componentOf` dropped), for a sweep whose plan holds it.
    public func adopted() -> RunRecord {
        guard isComponent, var c = decodedConfiguration else { return self }
        c.componentOf = nil
        var copy = self
        copy.configuration = c.json
        return copy
    }
}
