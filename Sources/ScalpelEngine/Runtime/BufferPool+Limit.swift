#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many idle bytes the pool keeps: by default a quarter of the memory this process may use
/// (the physical memory, or less in a container), at most 6 GiB; `SCALPEL_POOL_LIMIT` sets
/// another bound.
///
/// The idle buffers are memory the process holds but does not use; on a machine with 24 GiB the
/// pool keeps up to 6 GiB of them, on an 8 GB laptop 2 GiB, in a container limited to 4 GiB
/// 1 GiB. A smaller limit costs allocations (fresh pages, faulted in) when a step needs more
/// than the pool holds, never correctness.
extension BufferPool {
    /// The environment variable that sets the idle limit of `shared`.
    public static let limitVariable = "SCALPEL_POOL_LIMIT"

    /// The most idle bytes the default limit keeps on any machine: 6 GiB.
    public static let maximumDefaultLimitBytes = 6 << 30

    /// The machine's physical memory in bytes (`sysconf(_SC_PHYS_PAGES) · sysconf(_SC_PAGESIZE)`
    /// on Linux, `hw.memsize` on Darwin); nil when the system does not tell.
    public static let physicalMemoryBytes: Int? = {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max : bytes
        #elseif canImport(Darwin)
        var bytes: UInt64 = 0
        var size = MemoryLayout<UInt64>.size
        guard sysctlbyname("hw.memsize", &bytes, &size, nil, 0) == 0, bytes > 0 else { return nil }
        return Int(clamping: bytes)
        #else
        return nil
        #endif
    }()

    /// The memory this process may use in bytes: min(physical memory, its control group's memory
    /// limit) on Linux, where a container (Docker, Kubernetes) or a batch job (SLURM) may be
    /// limited to far less than the host's memory. The limit is the smallest of cgroup v2's
    /// `memory.max` (of the process's group, from `/proc/self/cgroup`, and its ancestors; `max` is
    /// none) and cgroup v1's `memory.limit_in_bytes` (from 2^60 up, none); a malformed file is
    /// ignored (`ControlGroup`). The physical memory on Darwin. Nil when neither is known.
    public static let usableMemoryBytes: Int? = {
        #if os(Linux)
        let limits = [physicalMemoryBytes, ControlGroup.memoryLimitBytes()].compactMap { $0 }
        return limits.min()
        #else
        return physicalMemoryBytes
        #endif
    }()

    /// The idle limit when none is set: min(6 GiB, usable memory / 4) (`usableMemoryBytes`), or
    /// 6 GiB when that is not known.
    public static let defaultLimitBytes: Int = min(maximumDefaultLimitBytes, (usableMemoryBytes ?? .max) / 4)

    /// The idle limit `text` sets, as `SCALPEL_POOL_LIMIT` takes it: a byte count ≥ 0, optionally
    /// with a K, M, G or T suffix (powers of 1024: `2G`); `0` keeps no idle buffer. Nil when
    /// `text` is nil or empty (the default applies); throws an `EngineSettingError` naming
    /// `SCALPEL_POOL_LIMIT` otherwise.
    public static func limitBytes(setting text: String?) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let bytes = ByteCount.parse(text) else {
            throw EngineSettingError(variable: limitVariable, value: text,
                                     expected: "a byte count ≥ 0, optionally with a K, M, G or T suffix (powers of 1024, e.g. 2G)")
        }
        return bytes
    }

    /// The idle limit `SCALPEL_POOL_LIMIT` sets in this process's environment (see
    /// `limitBytes(setting:)`). A program checks it before any work to refuse a bad value;
    /// `shared` itself falls back to `defaultLimitBytes` on one.
    public static func limitFromEnvironment() throws -> Int? {
        try limitBytes(setting: getenvString(limitVariable))
    }
}
