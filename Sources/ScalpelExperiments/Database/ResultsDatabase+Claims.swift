import Foundation
import GRDB

/// The kind of run a claim is on: a fine-tuning run (`runs`) or an adaptation run (`adaptation_runs`).
public enum ClaimKind: String, Sendable, Codable {
    case run, adaptation

    /// The table that records runs of this kind.
    var table: String { self == .run ? RunRecord.databaseTableName : AdaptationRunRecord.databaseTableName }
}

/// What claiming a run found.
public enum ClaimResult: Sendable, Equatable {
    /// The run is now this owner's to compute; `from` is the owner of a stale claim taken over.
    case claimed(from: ClaimOwner?)
    /// The run is already recorded (done or diverged, or failed since the sweep started).
    case finished
    /// A live process is computing it.
    case held(by: ClaimOwner)
}

/// A row of `claims`, as read back.
public struct ClaimRow: Sendable, Equatable {
    /// The key of the claimed run (`runs.key` or `adaptation_runs.key`).
    public let key: String
    /// Whether the key is a fine-tuning or an adaptation run.
    public let kind: ClaimKind
    /// The process that holds the claim.
    public let owner: ClaimOwner
    /// When the owner last showed it was alive (the claim's time, then each `heartbeat(_:now:)`).
    public let heartbeat: Date
}

extension ResultsDatabase {
    /// Claims the run with `key` for `owner`, in one transaction: unless the run is recorded
    /// (done or diverged, or failed at or after `attemptedSince`, so that a failure is retried
    /// by the next sweep and not by the other processes of this one) or claimed by a live
    /// process, `owner`'s claim is written and the run is the caller's to compute. A claim is
    /// stale, and taken over, when its owner is on this host and not running any more, or when
    /// its heartbeat is older than `policy.staleAfter` seconds. Recording the run deletes the claim.
    public func claim(_ key: String, kind: ClaimKind, owner: ClaimOwner, policy: ClaimPolicy = .standard,
                      attemptedSince: Date, now: Date = Date()) throws -> ClaimResult {
        try write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT status, finished_at FROM \(kind.table) WHERE key = ?", arguments: [key]) {
                let status: String = row["status"]
                let finishedAt: Date? = row["finished_at"]
                if status != RunRecord.Status.failed.rawValue { return .finished }
                if let finishedAt, finishedAt >= attemptedSince { return .finished }
            }
            var previous: ClaimOwner?
            if let existing = try Self.claimRow(db, key: key), existing.owner.token != owner.token {
                let ownerDied = existing.owner.host == owner.host
                    && !ClaimOwner.isRunning(pid: existing.owner.pid, start: existing.owner.processStart)
                let silent = now.timeIntervalSince(existing.heartbeat) > policy.staleAfter
                guard ownerDied || silent else { return .held(by: existing.owner) }
                previous = existing.owner
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO claims (key, kind, host, pid, process_start, token, claimed_at, heartbeat)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key, kind.rawValue, owner.host, Int64(owner.pid), owner.processStart, owner.token,
                                 now.timeIntervalSince1970, now.timeIntervalSince1970])
            return .claimed(from: previous)
        }
    }

    /// Refreshes the heartbeat of every claim `owner` holds.
    public func heartbeat(_ owner: ClaimOwner, now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "UPDATE claims SET heartbeat = ? WHERE token = ?", arguments: [now.timeIntervalSince1970, owner.token])
        }
    }

    /// Deletes every claim `owner` still holds (a sweep ending, even by an error).
    public func releaseClaims(of owner: ClaimOwner) throws {
        try write { db in try db.execute(sql: "DELETE FROM claims WHERE token = ?", arguments: [owner.token]) }
    }

    /// Every claim, in key order (none in a database from before migration `v3-claims`).
    public func claims() throws -> [ClaimRow] {
        try read { db in
            guard try db.tableExists("claims") else { return [] }
            return try String.fetchAll(db, sql: "SELECT key FROM claims ORDER BY key").compactMap { try Self.claimRow(db, key: $0) }
        }
    }

    static func claimRow(_ db: Database, key: String) throws -> ClaimRow? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claims WHERE key = ?", arguments: [key]) else { return nil }
        let pid: Int64 = row["pid"]
        return ClaimRow(key: row["key"], kind: ClaimKind(rawValue: row["kind"]) ?? .run,
                        owner: ClaimOwner(host: row["host"], pid: Int32(truncatingIfNeeded: pid), processStart: row["process_start"],
                                          token: row["token"]),
                        heartbeat: Date(timeIntervalSince1970: row["heartbeat"]))
    }

    /// Deletes the claim on `key` (inside the transaction that records its run).
    static func deleteClaim(_ db: Database, key: String) throws {
        try db.execute(sql: "DELETE FROM claims WHERE key = ?", arguments: [key])
    }
}
