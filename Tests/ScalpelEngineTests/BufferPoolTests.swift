import Foundation
import Testing
@testable import ScalpelEngine

/// `BufferPool`'s idle limit: by default min(6 GiB, usable memory / 4), set by
/// `SCALPEL_POOL_LIMIT` (a malformed value leaves the default), and kept: released buffers
/// beyond it go back to the system.
@Suite struct BufferPoolTests {
    /// The machine's memory as the kernel reports it in /proc/meminfo (`MemTotal: N kB`),
    /// read independently of the pool's sysconf.
    static func memTotalBytes() throws -> Int {
        let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("MemTotal:") })
        let fields = line.split(separator: " ")
        #expect(fields.count == 3 && fields[2] == "kB", "\(line)")
        return try #require(Int(fields[1])) * 1024
    }

    /// The usable memory is the physical memory or this process's cgroup limit, the smaller
    /// (ControlGroupTests reads the limit's files independently).
    @Test func theDefaultLimitIsAQuarterOfTheMemoryAtMostSixGiB() throws {
        #if os(Linux)
        let memory = try Self.memTotalBytes()
        #expect(BufferPool.physicalMemoryBytes == memory)
        let usable = min(memory, try ControlGroupTests.memoryLimitHere() ?? .max)
        #expect(BufferPool.usableMemoryBytes == usable)
        let expected = min(6 * 1024 * 1024 * 1024, usable / 4)
        #expect(BufferPool.defaultLimitBytes == expected)
        #expect(BufferPool().limitBytes == expected)
        if ProcessInfo.processInfo.environment["SCALPEL_POOL_LIMIT"] == nil {
            #expect(BufferPool.shared.limitBytes == expected)
        }
        #endif
        #expect(BufferPool.defaultLimitBytes > 0 && BufferPool.defaultLimitBytes <= 6 << 30)
    }

    /// Three 64 KiB buffers into a pool that keeps 150 KiB: the third release is freed, and the
    /// idle bytes never exceed the limit; acquiring that size again reuses an idle buffer.
    @Test func aSmallPoolFreesWhatExceedsItsLimit() {
        let limit = 150 << 10
        let pool = BufferPool(limitBytes: limit)
        let count = 16_384  // floats: 64 KiB, its own size class
        #expect(BufferPool.sizeClass(count) == count)
        let buffers = (0..<3).map { _ in pool.acquire(count) }
        #expect(pool.statistics.liveBytes == 3 * 65_536 && pool.statistics.idleBytes == 0)
        var idle: [Int] = []
        for (pointer, capacity) in buffers {
            pointer.initialize(repeating: 1, count: capacity)
            pool.release(pointer, capacity: capacity)
            idle.append(pool.statistics.idleBytes)
        }
        #expect(idle == [65_536, 131_072, 131_072], "the third would make 192 KiB > 150 KiB: freed")
        #expect(idle.allSatisfy { $0 <= limit })
        #expect(pool.statistics.liveBytes == 0)
        let (again, capacity) = pool.acquire(count)
        #expect(pool.statistics.idleBytes == 65_536, "taken from the idle list")
        pool.release(again, capacity: capacity)
        pool.trim()
        #expect(pool.statistics.idleBytes == 0)

        // Mixed sizes, many rounds: never above the limit.
        let mixed = BufferPool(limitBytes: 100_000)
        var most = 0
        for round in 0..<20 {
            let held = (1...6).map { mixed.acquire(($0 * 3_001 + round * 977) % 20_000 + 1) }
            for (p, c) in held {
                mixed.release(p, capacity: c)
                most = max(most, mixed.statistics.idleBytes)
            }
        }
        #expect(most > 0 && most <= 100_000)
        mixed.trim()
    }

    @Test func aPoolWithLimitZeroKeepsNothing() {
        let pool = BufferPool(limitBytes: 0)
        let (p, c) = pool.acquire(10)
        pool.release(p, capacity: c)
        #expect(pool.statistics.idleBytes == 0 && pool.statistics.liveBytes == 0)
    }

    @Test func theSettingIsAByteCountOrAnErrorNamingTheVariable() throws {
        #expect(try BufferPool.limitBytes(setting: nil) == nil)
        #expect(try BufferPool.limitBytes(setting: "") == nil)
        #expect(try BufferPool.limitBytes(setting: "0") == 0)
        #expect(try BufferPool.limitBytes(setting: "2G") == 2 << 30)
        #expect(try BufferPool.limitBytes(setting: "512m") == 512 << 20)
        #expect(try BufferPool.limitBytes(setting: "1000000") == 1_000_000)
        for bad in ["lots", "-1", "1.5G", "2GB", " 2G", "G", "9999999999T"] {
            #expect(throws: EngineSettingError(variable: "SCALPEL_POOL_LIMIT", value: bad,
                                               expected: "a byte count ≥ 0, optionally with a K, M, G or T suffix (powers of 1024, e.g. 2G)")) {
                try BufferPool.limitBytes(setting: bad)
            }
        }
        let error = EngineSettingError(variable: "SCALPEL_POOL_LIMIT", value: "lots", expected: "x")
        #expect(error.description == "SCALPEL_POOL_LIMIT='lots': expected x")
    }

    /// `shared` reads `SCALPEL_POOL_LIMIT` when first used: in a child process that sets it first.
    @Test func theSharedPoolTakesAValidSetting() async {
        await #expect(processExitsWith: .success) {
            setenv("SCALPEL_POOL_LIMIT", "3M", 1)
            if BufferPool.shared.limitBytes != 3 << 20 { exit(1) }
        }
    }

    /// A malformed setting is not trapped on: `shared` falls back to the default.
    @Test func theSharedPoolFallsBackToTheDefaultOnAMalformedSetting() async {
        await #expect(processExitsWith: .success) {
            setenv("SCALPEL_POOL_LIMIT", "lots", 1)
            if BufferPool.shared.limitBytes != BufferPool.defaultLimitBytes { exit(1) }
        }
    }
}
