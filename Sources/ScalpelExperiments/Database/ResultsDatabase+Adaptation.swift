import Foundation
import GRDB

extension ResultsDatabase {
    /// Whether this database has the adaptation tables (a database from before migration
    /// `v2-adaptation`, opened for reading, has not; it reads as having no adaptation runs).
    public func hasAdaptationTables() throws -> Bool {
        try read { try $0.tableExists(AdaptationRunRecord.databaseTableName) }
    }

    /// Records one adaptation run with its curve (and its checkpoint's layout, when given) in one
    /// transaction, deleting the claim on it. A run already recorded under the same key (the same identity) is replaced,
    /// curve included, so the database holds one run per identity: the latest. Returns whether
    /// a run was replaced.
    @discardableResult
    public func record(_ run: AdaptationRunRecord, curve: [AdaptationCurveRow], model: ModelRecord? = nil) throws -> Bool {
        try write { db in
            if let model { try model.insert(db, onConflict: .ignore) }
            let replaced = try AdaptationRunRecord.deleteOne(db, key: run.key)
            try run.insert(db)
            for point in curve { try point.insert(db) }
            try Self.deleteClaim(db, key: run.key)
            return replaced
        }
    }

    /// Keys of the adaptation runs that need no rerun (done or diverged; failed runs are retried).
    public func finishedAdaptationKeys() throws -> Set<String> {
        guard try hasAdaptationTables() else { return [] }
        return try read { db in
            Set(try String.fetchAll(db, sql: "SELECT key FROM adaptation_runs WHERE status != ?",
                                    arguments: [RunRecord.Status.failed.rawValue]))
        }
    }

    /// Every adaptation run, in key order.
    public func adaptationRuns() throws -> [AdaptationRunRecord] {
        guard try hasAdaptationTables() else { return [] }
        return try read { try AdaptationRunRecord.order(Column("key")).fetchAll($0) }
    }

    /// The curve of every adaptation run with a key in `keys` (all when nil), by run key, in order of images seen.
    public func adaptationCurves(keys: Set<String>? = nil) throws -> [String: [AdaptationCurveRow]] {
        guard try hasAdaptationTables() else { return [:] }
        let rows = try read { try AdaptationCurveRow.order(Column("run_key"), Column("seen")).fetchAll($0) }
        return Dictionary(grouping: rows.filter { keys?.contains($0.runKey) ?? true }, by: \.runKey)
    }
}
