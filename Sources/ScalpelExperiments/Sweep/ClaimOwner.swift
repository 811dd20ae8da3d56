import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process that holds a claim on a run: its host, process id and the time it started
/// (so that a process id reused by a later process is not mistaken for the claimant), plus a
/// token that tells two runners of one process apart.
public struct ClaimOwner: Sendable, Equatable, CustomStringConvertible {
    /// The host name of the owner's machine (`gethostname`).
    public let host: String
    /// The owner's process id on `host`.
    public let pid: Int32
    /// The process's start, as the kernel reports it (`/proc/PID/stat` field 22, clock ticks
    /// since boot, on Linux); empty where that is not available.
    public let processStart: String
    /// Tells apart owners within one process (a fresh UUID by default); claims are matched by it.
    public let token: String

    /// An owner from its parts; `processStart` may be empty when unknown.
    public init(host: String, pid: Int32, processStart: String, token: String = UUID().uuidString) {
        self.host = host
        self.pid = pid
        self.processStart = processStart
        self.token = token
    }

    /// This process, with a fresh token.
    public static func current() -> ClaimOwner {
        let pid = getpid()
        return ClaimOwner(host: hostName(), pid: pid, processStart: processStart(of: pid) ?? "")
    }

    /// `pid 1234 on node7`.
    public var description: String { "pid \(pid) on \(host)" }

    /// Whether the process `pid` on this host is running and is the one that started at `start`
    /// (when `start` is known). Only meaningful for an owner on this host.
    public static func isRunning(pid: Int32, start: String) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        guard !start.isEmpty, let now = processStart(of: pid) else { return true }
        return now == start
    }

    /// The host name (`gethostname`).
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Field 22 (`starttime`) of `/proc/PID/stat`, or nil where there is no such file.
    /// The fields are counted after the last `)`, since the command name may hold spaces.
    static func processStart(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the `)`: field 3 (state) is at index 0, so field 22 is at index 19.
        return fields.count > 19 ? String(fields[19]) : nil
    }
}

/// How sweeps sharing a database divide its runs: each run is claimed before it starts; the
/// claimant refreshes its claims' heartbeat every `heartbeatInterval` seconds while it works.
/// A claim is taken over when its owner is on this host and no longer running, or when its
/// heartbeat is older than `staleAfter` seconds (an owner on another host that died or lost
/// the file system). A sweep that finds the rest of its runs claimed by live processes polls
/// every `pollInterval` seconds until they are recorded or their claims go stale.
public struct ClaimPolicy: Sendable, Equatable {
    /// Seconds between heartbeats of a live claimant (default 15).
    public var heartbeatInterval: Double
    /// Seconds without a heartbeat after which a claim is stale and may be taken over (default 120).
    public var staleAfter: Double
    /// Seconds between checks for runs held by other processes (default 2).
    public var pollInterval: Double

    /// A policy with the given intervals, in seconds.
    public init(heartbeatInterval: Double = 15, staleAfter: Double = 120, pollInterval: Double = 2) {
        self.heartbeatInterval = heartbeatInterval
        self.staleAfter = staleAfter
        self.pollInterval = pollInterval
    }

    /// The default: heartbeat every 15 s, a claim stale after 120 s without one, polling every 2 s.
    public static let standard = ClaimPolicy()
}
