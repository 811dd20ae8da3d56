import Foundation

/// A deterministic share of a sweep: run `index` of `count` (0-based) takes every run whose key,
/// read as a number, is `index` modulo `count`. Keys are SHA-256 hashes, so shares are even and
/// do not depend on the order of the grid; the shards of one sweep are disjoint and cover it.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let all = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count > 0 && (0..<count).contains(index), "Shard: index \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (0 ≤ I < N).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n > 0, (0..<n).contains(i) else {
            throw SpecError("--shard", "'\(text)' is not I/N with 0 ≤ I < N (e.g. 0/4)")
        }
        self.init(index: i, count: n)
    }

    /// The shard of a SLURM array task (`SLURM_ARRAY_TASK_ID` of `SLURM_ARRAY_TASK_COUNT`), if set.
    /// Arrays are assumed to be numbered from `SLURM_ARRAY_TASK_MIN` (default 0).
    public static func fromSLURM(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        guard let id = environment["SLURM_ARRAY_TASK_ID"], let count = environment["SLURM_ARRAY_TASK_COUNT"] else {
            return nil
        }
        let base = Int(environment["SLURM_ARRAY_TASK_MIN"] ?? "0") ?? 0
        guard let i = Int(id), let n = Int(count) else {
            throw SpecError("SLURM_ARRAY_TASK_ID", "'\(id)' of '\(count)' are not integers")
        }
        return try Shard(parsing: "\(i - base)/\(n)")
    }

    /// Whether the run with `key` (hexadecimal) belongs to this shard.
    public func contains(key: String) -> Bool {
        count == 1 || Int((UInt64(key.prefix(15), radix: 16) ?? 0) % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}
