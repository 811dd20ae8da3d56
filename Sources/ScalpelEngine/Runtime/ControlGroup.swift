#if os(Linux)
import Glibc

/// The limits Linux control groups (cgroups) put on this process: the memory it may use and the
/// CPU time it may take, as container runtimes (Docker, Kubernetes) and batch schedulers (SLURM)
/// set them, so that the engine's defaults follow the container rather than the host.
///
/// Which group the process is in: `/proc/self/cgroup`, one line per hierarchy,
/// `hierarchy-ID:controller-list:/path`; the unified hierarchy (cgroup v2) is the line `0::/path`,
/// a cgroup v1 hierarchy names its controllers (`4:memory:/path`, `3:cpu,cpuacct:/path`). A group
/// is bounded by its ancestors' limits too, so a limit is the smallest found from the group's
/// directory up to the root of the mount. Inside a container without its own cgroup namespace
/// the path names the group on the host, which is not under the container's mount: directories
/// that are not there are skipped, and the root (the container's own group) still counts.
///
/// The files are input like any other: at most `maximumFileBytes` are read, only regular files,
/// and a value that is not exactly what the kernel writes (a decimal number, `max`) is ignored
/// as no limit, never trusted; a path with `.` or `..` components, or deeper than
/// `maximumDepth`, leaves only the root.
enum ControlGroup {
    /// Where the cgroup file systems are mounted.
    static let defaultRoot = "/sys/fs/cgroup"
    /// The most bytes read from one cgroup or proc file; a longer file is ignored.
    static let maximumFileBytes = 65_536
    /// The most path components of a group followed.
    static let maximumDepth = 64
    /// cgroup v1 writes "no limit" as a huge number (2^63 rounded down to a page); from 2^60
    /// bytes up a memory limit means none.
    static let unlimitedV1Bytes = 1 << 60

    // MARK: Parsers (pure: file contents in, a limit or nil out)

    /// The path of the process's group in the hierarchy with `controller` (cgroup v1), or in the
    /// unified hierarchy (`0::/path`, cgroup v2) when `controller` is nil; nil when `membership`
    /// (the text of `/proc/self/cgroup`) has no such line.
    static func groupPath(in membership: String, controller: String?) -> String? {
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, decimal(fields[0]) != nil else { continue }
            if let controller {
                if fields[1].split(separator: ",").contains(Substring(controller)) { return String(fields[2]) }
            } else if fields[0] == "0", fields[1].isEmpty {
                return String(fields[2])
            }
        }
        return nil
    }

    /// The components of a group's path (`/a/b` → `["a", "b"]`, `/` → `[]`); nil when the path
    /// is not absolute, has a `.`, `..` or NUL in it, or more than `maximumDepth` components.
    static func components(of path: String) -> [String]? {
        guard path.hasPrefix("/"), !path.utf8.contains(0) else { return nil }
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count <= maximumDepth, !parts.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        return parts
    }

    /// The directories from the group's own up to `root`: `root/a/b`, `root/a`, `root`.
    static func directories(root: String, components: [String]) -> [String] {
        (0...components.count).reversed().map { n in
            ([root] + components.prefix(n)).joined(separator: "/")
        }
    }

    /// A cgroup v2 `memory.max`: a byte count, or nil for `max` (no limit) or anything malformed.
    static func memoryLimit(v2 text: String) -> Int? {
        guard let value = singleLine(text), value != "max" else { return nil }
        return decimal(value)
    }

    /// A cgroup v1 `memory.limit_in_bytes`: a byte count, or nil from `unlimitedV1Bytes` up (no
    /// limit) or for anything malformed.
    static func memoryLimit(v1 text: String) -> Int? {
        guard let value = singleLine(text), let bytes = decimal(value), bytes < unlimitedV1Bytes else { return nil }
        return bytes
    }

    /// The processors a cgroup v2 `cpu.max` (`quota period` in µs, or `max period`) allows:
    /// ⌈quota / period⌉, nil for `max` (no limit) or anything malformed.
    static func processorLimit(v2 text: String) -> Int? {
        guard let value = singleLine(text) else { return nil }
        let fields = value.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0] != "max" else { return nil }
        return processors(quota: fields[0], period: fields[1])
    }

    /// The processors a cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` allow:
    /// ⌈quota / period⌉, nil for a quota of -1 (no limit) or anything malformed.
    static func processorLimit(v1Quota quota: String, period: String) -> Int? {
        guard let q = singleLine(quota), let p = singleLine(period) else { return nil }
        return processors(quota: q, period: p)
    }

    // MARK: This process

    /// The smallest memory limit of this process's groups, v2 and v1 (`root` stands in for
    /// `/sys/fs/cgroup`, `membership` for the text of `/proc/self/cgroup`); nil when none is set.
    static func memoryLimitBytes(root: String = defaultRoot,
                                 membership: String? = ControlGroup.readFile("/proc/self/cgroup")) -> Int? {
        let v2 = smallest(root: root, membership: membership, controller: nil) {
            readFile($0 + "/memory.max").flatMap { memoryLimit(v2: $0) }
        }
        let v1 = smallest(root: root + "/memory", membership: membership, controller: "memory") {
            readFile($0 + "/memory.limit_in_bytes").flatMap { memoryLimit(v1: $0) }
        }
        return [v2, v1].compactMap { $0 }.min()
    }

    /// The smallest CPU quota of this process's groups in processors, rounded up (v2 `cpu.max`,
    /// v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`); nil when none is set.
    static func processorLimit(root: String = defaultRoot,
                               membership: String? = ControlGroup.readFile("/proc/self/cgroup")) -> Int? {
        let v2 = smallest(root: root, membership: membership, controller: nil) {
            readFile($0 + "/cpu.max").flatMap { processorLimit(v2: $0) }
        }
        let v1 = smallest(root: root + "/cpu", membership: membership, controller: "cpu") { directory in
            guard let quota = readFile(directory + "/cpu.cfs_quota_us"),
                  let period = readFile(directory + "/cpu.cfs_period_us") else { return nil }
            return processorLimit(v1Quota: quota, period: period)
        }
        return [v2, v1].compactMap { $0 }.min()
    }

    /// The contents of the regular file at `path` as UTF-8, nil when it cannot be read, is not a
    /// regular file, is longer than `maximumFileBytes` or is not UTF-8.
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: maximumFileBytes + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            count += n
        }
        guard count <= maximumFileBytes else { return nil }
        return String(validating: bytes[..<count], as: UTF8.self)
    }

    // MARK: Helpers

    /// The smallest `limit` over the directories from the group's up to `root`.
    private static func smallest(root: String, membership: String?, controller: String?,
                                 limit: (String) -> Int?) -> Int? {
        let path = membership.flatMap { groupPath(in: $0, controller: controller) }
        let parts = path.flatMap { components(of: $0) } ?? []
        return directories(root: root, components: parts).compactMap(limit).min()
    }

    /// The value of a one-line file: its text without the one final newline the kernel writes.
    private static func singleLine(_ text: String) -> Substring? {
        let value = text.hasSuffix("\n") ? text.dropLast() : Substring(text)
        return value.isEmpty || value.contains("\n") ? nil : value
    }

    /// A decimal number that fits an `Int` (digits only: no sign, no spaces); nil otherwise.
    private static func decimal(_ text: Substring) -> Int? {
        guard (1...19).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    /// ⌈quota / period⌉ for positive decimal `quota` and `period`; nil otherwise.
    private static func processors(quota: Substring, period: Substring) -> Int? {
        guard let q = decimal(quota), let p = decimal(period), q > 0, p > 0 else { return nil }
        return q / p + (q % p == 0 ? 0 : 1)
    }
}
#endif
