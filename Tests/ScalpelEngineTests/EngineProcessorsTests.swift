#if os(Linux)
import Foundation
import Testing
@testable import ScalpelEngine

/// `Engine.availableProcessorCount`, the default thread count: the CPUs of the affinity mask
/// (what `taskset` and SLURM set), at most the cgroup CPU quota.
@Suite struct EngineProcessorsTests {
    /// The CPUs the kernel lists for this process in /proc/self/status (`Cpus_allowed_list:
    /// 0-3,8,10-11`), read independently of `sched_getaffinity`.
    static func allowedCPUsHere() throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        let list = line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
        var count = 0
        for range in list.split(separator: ",") {
            let ends = range.split(separator: "-").map { Int($0) }
            let first = try #require(ends.first ?? nil), last = try #require(ends.last ?? nil)
            #expect(ends.count <= 2 && first <= last, "\(line)")
            count += last - first + 1
        }
        return count
    }

    @Test func theCountIsTheAffinityMasksAtMostTheQuota() throws {
        let allowed = try Self.allowedCPUsHere()
        #expect(Engine.affinityProcessorCount() == allowed)
        #expect(Engine.availableProcessorCount == min(allowed, ControlGroup.processorLimit() ?? .max))
        #expect(Engine.availableProcessorCount >= 1)
    }

    /// In a child process pinned to CPU 0 (as `taskset -c 0` does), the default thread count is 1
    /// even though the machine has more online processors.
    @Test func aProcessPinnedToOneCPUDefaultsToOneThread() async {
        await #expect(processExitsWith: .success) {
            typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer?) -> Int32
            guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "sched_setaffinity") else { exit(2) }
            var mask = [UInt8](repeating: 0, count: 128)
            mask[0] = 1
            let set = unsafeBitCast(symbol, to: SetAffinity.self)
            guard mask.withUnsafeBytes({ set(0, $0.count, $0.baseAddress) }) == 0 else { exit(3) }
            unsetenv("SCALPEL_THREADS")
            if Engine.affinityProcessorCount() != 1 || Engine.availableProcessorCount != 1 { exit(4) }
            if Engine.defaultThreads() != 1 { exit(5) }
        }
    }
}
#endif
