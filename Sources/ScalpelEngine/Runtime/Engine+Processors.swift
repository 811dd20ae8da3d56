#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many processors the default thread count uses: the ones this process may run on, not the
/// machine's.
extension Engine {
    /// The processors this process may run on, the default of `threads` when `SCALPEL_THREADS` is
    /// not set. On Linux: the CPUs of its affinity mask (`sched_getaffinity`, which `taskset`,
    /// SLURM's `--cpus-per-task` and a cpuset restrict), at most its control group's CPU quota
    /// rounded up (cgroup v2 `cpu.max` 150000 100000 allows 2; cgroup v1
    /// `cpu.cfs_quota_us` / `cpu.cfs_period_us` likewise; see `ControlGroup`). Elsewhere, or when
    /// the mask cannot be read, the online processors (`sysconf(_SC_NPROCESSORS_ONLN)`). At least 1.
    public static var availableProcessorCount: Int {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #if os(Linux)
        let allowed = affinityProcessorCount() ?? online
        return max(1, min(allowed, ControlGroup.processorLimit() ?? .max))
        #else
        return online
        #endif
    }

    #if os(Linux)
    /// `sched_getaffinity(2)` as glibc exports it (`cpu_set_t` and its macros are not imported into
    /// Swift, so the function is looked up by name and the mask is counted as bytes).
    private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32

    /// The number of CPUs in the calling thread's affinity mask; nil when it cannot be read. The
    /// mask grows from 1,024 CPUs to 65,536 while the kernel's is larger (EINVAL).
    static func affinityProcessorCount() -> Int? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(handle) }
        guard let symbol = dlsym(handle, "sched_getaffinity") else { return nil }
        let getAffinity = unsafeBitCast(symbol, to: AffinityCall.self)
        var bytes = 128
        while bytes <= 8_192 {
            var mask = [UInt8](repeating: 0, count: bytes)
            let status = mask.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress) }
            if status == 0 {
                let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
                return count > 0 ? count : nil
            }
            guard errno == EINVAL else { return nil }
            bytes *= 2
        }
        return nil
    }
    #endif
}
