#if os(Linux)
import Foundation
import Testing
@testable import ScalpelEngine

/// `ControlGroup`: the parsers on file contents as the kernel writes them and as it does not, the
/// walk from a group up to the root on temporary directories standing in for /sys/fs/cgroup, and
/// on this machine the limits against the same files read here independently.
@Suite struct ControlGroupTests {
    // MARK: Parsers

    @Test(arguments: [("max\n", nil), ("max", nil), ("1073741824\n", 1 << 30), ("4096", 4096), ("0\n", 0),
                      ("9223372036854775807\n", Int.max)] as [(String, Int?)])
    func memoryMaxIsAByteCountOrMax(_ text: String, _ bytes: Int?) {
        #expect(ControlGroup.memoryLimit(v2: text) == bytes)
    }

    @Test(arguments: ["", "\n", "lots\n", "-1\n", "+5\n", " 5\n", "5 \n", "5\n\n", "1\n2\n", "1.5G\n", "2G\n",
                      "0x10\n", "١٢\n", "9223372036854775808\n", "99999999999999999999\n", "MAX\n", "max \n"])
    func malformedValuesAreIgnored(_ text: String) {
        #expect(ControlGroup.memoryLimit(v2: text) == nil)
        #expect(ControlGroup.memoryLimit(v1: text) == nil)
        #expect(ControlGroup.processorLimit(v2: text) == nil)
        #expect(ControlGroup.processorLimit(v1Quota: text, period: "100000\n") == nil)
    }

    /// v1 has no `max`: "no limit" reads as 2^63 rounded down to a page, and anything from 2^60 up
    /// is taken as none.
    @Test(arguments: [("9223372036854771712\n", nil), ("1152921504606846976\n", nil),
                      ("1152921504606846975\n", (1 << 60) - 1), ("536870912\n", 512 << 20), ("max\n", nil)] as [(String, Int?)])
    func limitInBytesIsAByteCountBelowTwoToTheSixty(_ text: String, _ bytes: Int?) {
        #expect(ControlGroup.memoryLimit(v1: text) == bytes)
    }

    @Test(arguments: [("max 100000\n", nil), ("150000 100000\n", 2), ("200000 100000\n", 2), ("200001 100000\n", 3),
                      ("50000 100000\n", 1), ("1000 100000", 1), ("100000\n", nil), ("0 100000\n", nil),
                      ("100000 0\n", nil), ("150000  100000\n", nil), ("150000 100000 1\n", nil),
                      ("-1 100000\n", nil), ("max max\n", nil)] as [(String, Int?)])
    func cpuMaxIsAQuotaRoundedUpToProcessors(_ text: String, _ processors: Int?) {
        #expect(ControlGroup.processorLimit(v2: text) == processors)
    }

    @Test func cfsQuotaIsAQuotaOverThePeriod() {
        #expect(ControlGroup.processorLimit(v1Quota: "-1\n", period: "100000\n") == nil)
        #expect(ControlGroup.processorLimit(v1Quota: "250000\n", period: "100000\n") == 3)
        #expect(ControlGroup.processorLimit(v1Quota: "100000\n", period: "100000\n") == 1)
        #expect(ControlGroup.processorLimit(v1Quota: "250000\n", period: "0\n") == nil)
        #expect(ControlGroup.processorLimit(v1Quota: "250000\n", period: "lots\n") == nil)
    }

    /// /proc/self/cgroup of a hybrid host (this machine's shape), of SLURM under v1, and lines
    /// that are no hierarchy at all.
    @Test func theGroupPathComesFromItsHierarchysLine() {
        let hybrid = "9:name=systemd:/\n4:memory:/process_api/f09e\n3:cpuset:/\n1:cpu:/\n0::/\n"
        #expect(ControlGroup.groupPath(in: hybrid, controller: nil) == "/")
        #expect(ControlGroup.groupPath(in: hybrid, controller: "memory") == "/process_api/f09e")
        #expect(ControlGroup.groupPath(in: hybrid, controller: "cpu") == "/")
        #expect(ControlGroup.groupPath(in: hybrid, controller: "systemd") == nil)
        let slurm = "5:cpuacct,cpu:/slurm/uid_1000/job_42/step_0\n2:memory:/slurm/uid_1000/job_42\n"
        #expect(ControlGroup.groupPath(in: slurm, controller: "cpu") == "/slurm/uid_1000/job_42/step_0")
        #expect(ControlGroup.groupPath(in: slurm, controller: nil) == nil)
        #expect(ControlGroup.groupPath(in: "2:cpuacct:/x\n", controller: "cpu") == nil)
        let unified = "0::/user.slice/user-1000.slice/session-3.scope\n"
        #expect(ControlGroup.groupPath(in: unified, controller: nil) == "/user.slice/user-1000.slice/session-3.scope")
        #expect(ControlGroup.groupPath(in: unified, controller: "memory") == nil)
        #expect(ControlGroup.groupPath(in: "0::/a:b\n", controller: nil) == "/a:b")
        let junk = "\ngarbage\nx::/a\n-1::/b\n0:/c\n0:memory:/d\n0::/e\n"
        #expect(ControlGroup.groupPath(in: junk, controller: nil) == "/e")
        #expect(ControlGroup.groupPath(in: "", controller: nil) == nil)
    }

    @Test func pathsAreAbsoluteWithoutDotsAndBounded() {
        #expect(ControlGroup.components(of: "/") == [])
        #expect(ControlGroup.components(of: "/a/b") == ["a", "b"])
        #expect(ControlGroup.components(of: "/a//b/") == ["a", "b"])
        for bad in ["", "a/b", "/a/../b", "/..", "/./a", "/a\u{0}b", "/../../host"] {
            #expect(ControlGroup.components(of: bad) == nil, "\(bad)")
        }
        let deep = (0..<64).map { "/d\($0)" }.joined()
        #expect(ControlGroup.components(of: deep)?.count == 64)
        #expect(ControlGroup.components(of: deep + "/one-more") == nil)
        #expect(ControlGroup.directories(root: "/r", components: ["a", "b"]) == ["/r/a/b", "/r/a", "/r"])
        #expect(ControlGroup.directories(root: "/r", components: []) == ["/r"])
    }

    // MARK: The walk, on a temporary root

    /// A temporary directory standing in for /sys/fs/cgroup, removed after `body`.
    static func withRoot(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        for (path, text) in files {
            let url = base.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try body(base.appendingPathComponent("root").path)
    }

    @Test func theMemoryLimitIsTheSmallestFromTheGroupUpToTheRoot() throws {
        try Self.withRoot(["root/memory.max": "max\n", "root/a/memory.max": "4294967296\n",
                           "root/a/b/memory.max": "8589934592\n", "outside/memory.max": "1\n"]) { root in
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: "0::/a/b\n") == 4 << 30)
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: "0::/\n") == nil, "max: none")
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: "0::/a/b/gone\n") == 4 << 30)
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: "0::/../outside\n") == nil, "never leaves the root")
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: nil) == nil)
        }
        try Self.withRoot(["root/a/memory.max": "lots\n", "root/a/b/memory.max": "8589934592\n",
                           "root/a/b/c/memory.max": String(repeating: "1", count: 70_000)]) { root in
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: "0::/a/b/c\n") == 8 << 30,
                    "the malformed and the oversized files are ignored")
        }
        try Self.withRoot(["root/a/memory.max/x": ""]) { root in
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: "0::/a\n") == nil, "a directory is no value")
        }
    }

    /// cgroup v1, as in a container without its own cgroup namespace: the host's path is not
    /// under the mount, the container's group is its root; and v1 and v2 together.
    @Test func aV1LimitCountsAtTheMountsRoot() throws {
        let membership = "4:memory:/docker/abc\n0::/\n"
        try Self.withRoot(["root/memory/memory.limit_in_bytes": "9223372036854771712\n"]) { root in
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: membership) == nil)
        }
        try Self.withRoot(["root/memory/memory.limit_in_bytes": "2147483648\n"]) { root in
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: membership) == 2 << 30)
        }
        try Self.withRoot(["root/memory/memory.limit_in_bytes": "2147483648\n",
                           "root/memory/docker/abc/memory.limit_in_bytes": "1073741824\n",
                           "root/memory.max": "3221225472\n"]) { root in
            #expect(ControlGroup.memoryLimitBytes(root: root, membership: membership) == 1 << 30)
        }
    }

    @Test func theProcessorLimitIsTheSmallestQuota() throws {
        try Self.withRoot(["root/cpu.max": "max 100000\n", "root/job/cpu.max": "150000 100000\n",
                           "root/cpu/cpu.cfs_quota_us": "-1\n", "root/cpu/cpu.cfs_period_us": "100000\n"]) { root in
            #expect(ControlGroup.processorLimit(root: root, membership: "0::/job\n1:cpu:/\n") == 2)
            #expect(ControlGroup.processorLimit(root: root, membership: "0::/\n1:cpu:/\n") == nil)
        }
        try Self.withRoot(["root/cpu/slurm/cpu.cfs_quota_us": "50000\n", "root/cpu/slurm/cpu.cfs_period_us": "100000\n",
                           "root/cpu/slurm/job/cpu.cfs_quota_us": "300000\n",
                           "root/cpu/slurm/job/cpu.cfs_period_us": "100000\n"]) { root in
            #expect(ControlGroup.processorLimit(root: root, membership: "3:cpu,cpuacct:/slurm/job\n") == 1)
        }
    }

    // MARK: This machine

    /// The contents of `file` in `root/<path>` and each ancestor up to `root`, read here with
    /// Foundation (independently of `ControlGroup.readFile` and its walk).
    static func filesUp(root: String, path: String?, file: String) -> [String] {
        let start = path.map { ((root + $0) as NSString).standardizingPath } ?? root
        var directory = start.hasPrefix(root) ? start : root
        var found: [String] = []
        while true {
            if let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) { found.append(text) }
            if directory == root || !directory.hasPrefix(root) { break }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return found
    }

    /// The memory limit of this process's groups, from the same files read here.
    static func memoryLimitHere() throws -> Int? {
        let lines = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8).split(separator: "\n")
        let v2Path = lines.first { $0.hasPrefix("0::") }.map { String($0.dropFirst(3)) }
        let v1Path = lines.map { $0.split(separator: ":", maxSplits: 2) }
            .first { $0.count == 3 && $0[1].split(separator: ",").contains("memory") }.map { String($0[2]) }
        let v2 = filesUp(root: "/sys/fs/cgroup", path: v2Path, file: "memory.max")
            .compactMap { Int($0.trimmingCharacters(in: .newlines)) }
        let v1 = filesUp(root: "/sys/fs/cgroup/memory", path: v1Path, file: "memory.limit_in_bytes")
            .compactMap { Int($0.trimmingCharacters(in: .newlines)) }.filter { $0 < 1 << 60 }
        return (v2 + v1).min()
    }

    @Test func onThisMachineTheLimitIsTheOneItsFilesSet() throws {
        let expected = try Self.memoryLimitHere()
        #expect(ControlGroup.memoryLimitBytes() == expected)
        let memory = try BufferPoolTests.memTotalBytes()
        #expect(BufferPool.usableMemoryBytes == min(memory, expected ?? .max))
        #expect(ControlGroup.readFile("/proc/self/cgroup") == (try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)))
    }
}
#endif
