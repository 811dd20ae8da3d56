#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// How long oneDNN's OpenMP workers spin between kernels, chosen for the machine at start-up.
///
/// After each parallel region libgomp's workers spin for the next one (300,000 iterations by
/// default, milliseconds). On an idle machine that keeps back-to-back kernels hot: a shorter
/// spin cost a training step 5-10% here, because waking a sleeping worker in this VM takes
/// longer than the gaps between kernels. On a busy machine a spinning worker holds a core that
/// another process (or our own main thread) needs, and a step gets 1.3-1.8× slower than with
/// 3,000 iterations (docs/performance/threads-and-pools.md).
///
/// So commands that compute sample the CPUs for 100 ms before they start: when other
/// processes keep more than 30% of them busy, the spin is cut to 3,000. libgomp reads the setting when
/// it is loaded, before `main`, so the CLI sets `GOMP_SPINCOUNT` and executes itself again.
/// Nothing happens when the user set `GOMP_SPINCOUNT` or `OMP_WAIT_POLICY`.
enum OpenMPWaitPolicy {
    static let busySpinCount = "3000"
    static let busyFraction = 0.3
    /// Subcommands that run no kernels start without the 100 ms sample.
    static let quickCommands: Set<String> = ["help", "-h", "--help", "inspect", "data", "report", "merge", "--version"]

    static func applyByRestarting() {
        guard getenv("GOMP_SPINCOUNT") == nil, getenv("OMP_WAIT_POLICY") == nil else { return }
        let args = CommandLine.arguments.dropFirst()
        guard let command = args.first, !quickCommands.contains(command), !args.contains("--help"),
              let busy = otherProcessesBusyFraction(), busy > busyFraction else { return }
        setenv("GOMP_SPINCOUNT", busySpinCount, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed: run on with libgomp's default.
    }

    /// The fraction of the CPUs' time that other processes used over 100 ms, from /proc/stat
    /// minus this process's own CPU time (OpenBLAS's threads spin briefly after start-up).
    static func otherProcessesBusyFraction() -> Double? {
        guard let before = cpuTimes() else { return nil }
        let ownBefore = ownCPUSeconds()
        usleep(100_000)
        guard let after = cpuTimes(), after.total > before.total else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let busy = Double((after.total - after.idle) - (before.total - before.idle)) / ticksPerSecond
        let own = ownCPUSeconds() - ownBefore
        return max(0, busy - own) / (Double(after.total - before.total) / ticksPerSecond)
    }

    static func ownCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// The aggregate `cpu` line of /proc/stat: total and idle (idle + iowait) jiffies.
    static func cpuTimes() -> (total: UInt64, idle: UInt64)? {
        guard let file = fopen("/proc/stat", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fields = text.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 5 else { return nil }
        return (fields.reduce(0, +), fields[3] + fields[4])
    }
}
