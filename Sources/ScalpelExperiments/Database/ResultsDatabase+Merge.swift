import Foundation
import GRDB

/// What a merge did.
public struct MergeSummary: Sendable, Equatable {
    /// Runs copied in.
    public var added = 0
    /// Runs already present (same key), left as they were.
    public var alreadyPresent = 0
    /// Failed runs replaced by a finished run of the same key.
    public var replacedFailures = 0
    /// The same three counts for adaptation runs (`adaptation_runs`, with their curves).
    public var adaptationAdded = 0
    /// Adaptation runs already present (same key), left as they were.
    public var adaptationAlreadyPresent = 0
    /// Failed adaptation runs replaced by a finished run of the same key.
    public var adaptationReplacedFailures = 0
}

/// Every row of a results database that a merge copies, read (and decoded) in full.
public struct ResultsContents: Sendable {
    /// The database file read, as given.
    public let path: String
    /// Every fine-tuning run, ordered by key.
    public let runs: [RunRecord]
    /// The epochs of every run, by run key, in epoch order.
    public let epochs: [String: [EpochRow]]
    /// Every model layout, by checkpoint SHA-256.
    public let models: [String: ModelRecord]
    /// Every adaptation run, ordered by key (empty when the database has no adaptation tables).
    public let adaptations: [AdaptationRunRecord]
    /// The curve of every adaptation run, by run key, in order of images seen.
    public let curves: [String: [AdaptationCurveRow]]

    /// Reads the results database at `path`; errors name it.
    public init(path: String) throws {
        let source = try ResultsDatabase(readingFrom: path)
        self.path = path
        (runs, epochs, models) = try (source.runs(), source.epochs(), source.models())
        (adaptations, curves) = try (source.adaptationRuns(), source.adaptationCurves())
    }
}

extension ResultsDatabase {
    /// Copies every run (with its epochs), adaptation run (with its curve) and model layout of
    /// the database at `other` into this one, in one transaction. Runs are keyed by their
    /// configuration hash, so shards of one sweep merge into exactly the runs of the unsharded
    /// sweep; a key present on both sides keeps this side's run, unless this side's failed and
    /// the other's finished. Merging the same database twice changes nothing. A source from
    /// before the adaptation tables merges as having no adaptation runs.
    @discardableResult
    public func merge(from other: String) throws -> MergeSummary {
        try merge(ResultsContents(path: other))
    }

    /// Copies `contents` into this database in one transaction (see `merge(from:)`).
    @discardableResult
    public func merge(_ contents: ResultsContents) throws -> MergeSummary {
        try write { db in
            var summary = MergeSummary()
            for model in contents.models.values { try model.insert(db, onConflict: .ignore) }
            for run in contents.runs {
                if let existing = try RunRecord.fetchOne(db, key: run.key) {
                    guard existing.status == .failed && run.status != .failed else { summary.alreadyPresent += 1; continue }
                    _ = try RunRecord.deleteOne(db, key: run.key)
                    summary.replacedFailures += 1
                } else {
                    summary.added += 1
                }
                try run.insert(db)
                for e in contents.epochs[run.key] ?? [] { try e.insert(db) }
            }
            for run in contents.adaptations {
                if let existing = try AdaptationRunRecord.fetchOne(db, key: run.key) {
                    guard existing.status == .failed && run.status != .failed else {
                        summary.adaptationAlreadyPresent += 1
                        continue
                    }
                    _ = try AdaptationRunRecord.deleteOne(db, key: run.key)
                    summary.adaptationReplacedFailures += 1
                } else {
                    summary.adaptationAdded += 1
                }
                try run.insert(db)
                for point in contents.curves[run.key] ?? [] { try point.insert(db) }
            }
            return summary
        }
    }
}
