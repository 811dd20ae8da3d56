import Foundation

/// A deterministic share of a sweep: run `index` of `count` (0-based) takes every run whose key's
/// first 15 hexadecimal digits, read as a number, are `index` modulo `count` (a key that is not
/// hexadecimal goes to shard 0). Keys are SHA-256 hashes, so shares are even and
/// do not depend on the order of the grid; the shards of one sweep are disjoint and cover it.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// This shard's position, 0-based, below `count`.
    public let index: Int
    /// How many shards the sweep is split into (≥ 1).
    public let count: Int

    /// The whole sweep: shard 0 of 1.
    public static let all = Shard(index: 0, count: 1)

    /// Shard `index` of `count`; traps unless `count > 0` and `0 ≤ index < count` (use
    /// `init(parsing:)` or `fromSLURM` for user input).
    public init(index: Int, count: Int) {
        precondition(count > 0 && (0..<count).contains(index), "Shard: index \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (0 ≤ I < N).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n > 0, (0..<n).contains(i) else {
            throw SpecError("shard", "'\(text)' is not I/N with 0 ≤ I < N (e.g. 0/4)")
        }
        self.init(index: i, count: n)
    }

    /// The variable that gives the shard count to the tasks of a SLURM job array.
    public static let countVariable = "SCALPEL_SHARDS"

    /// The shard of a SLURM array task, if the process is one: shard `SLURM_ARRAY_TASK_ID` of
    /// `SCALPEL_SHARDS`. The count must be given: SLURM's own `SLURM_ARRAY_TASK_COUNT` (and
    /// `SLURM_ARRAY_TASK_MIN`) describe the submission, not the sweep, so a task resubmitted
    /// alone (`--array=7`) or a stepped array (`--array=0-7:2`) would see another count and run
    /// another share. Throws when a task id is set without a count, or either is not a number,
    /// or the id is not below the count.
    public static func fromSLURM(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        guard let id = environment["SLURM_ARRAY_TASK_ID"] else { return nil }
        guard let count = environment[countVariable] else {
            throw SpecError("SLURM_ARRAY_TASK_ID", "is set (\(id): a job array task) but \(countVariable) is not: set " +
                            "\(countVariable)=N, the number of shards, or give the shard as I/N (a resubmitted task or a stepped " +
                            "array sees another SLURM_ARRAY_TASK_COUNT, so the count cannot come from SLURM)")
        }
        guard let n = Int(count), n > 0 else { throw SpecError(countVariable, "'\(count)' is not a positive integer") }
        guard let i = Int(id), i >= 0 else { throw SpecError("SLURM_ARRAY_TASK_ID", "'\(id)' is not a non-negative integer") }
        guard i < n else {
            throw SpecError("SLURM_ARRAY_TASK_ID", "\(i) is not below \(countVariable)=\(n) (array task ids are the shard indices 0…\(n - 1))")
        }
        return Shard(index: i, count: n)
    }

    /// Whether the run with `key` (hexadecimal) belongs to this shard.
    public func contains(key: String) -> Bool {
        count == 1 || Int((UInt64(key.prefix(15), radix: 16) ?? 0) % UInt64(count)) == index
    }

    /// `I/N`, as `init(parsing:)` reads it.
    public var description: String { "\(index)/\(count)" }
}
