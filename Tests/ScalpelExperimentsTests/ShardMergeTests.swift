import Foundation
import XCTest
@testable import ScalpelExperiments

/// Shards of a sweep run separately and merged hold the same runs as the unsharded sweep.
final class ShardMergeTests: XCTestCase {
    func testTwoShardsMergedEqualTheWholeSweep() throws {
        let dir = SweepFixtures.tempDir("shards")
        try SweepFixtures.prepare(dir)
        let plan = try ExperimentSpec(yaml: SweepFixtures.spec(dir)).plan()

        let whole = try ResultsDatabase(path: dir + "/whole.sqlite")
        try SweepRunner(plan: plan, database: whole).run()
        for i in 0..<2 {
            let shard = plan.restricted(to: Shard(index: i, count: 2))
            XCTAssertFalse(shard.runs.isEmpty)
            try SweepRunner(plan: shard, database: ResultsDatabase(path: dir + "/shard\(i).sqlite")).run()
        }
        let merged = try ResultsDatabase(path: dir + "/merged.sqlite")
        let s0 = try merged.merge(from: dir + "/shard0.sqlite")
        let s1 = try merged.merge(from: dir + "/shard1.sqlite")
        XCTAssertEqual(s0.added + s1.added, plan.runs.count, "shards are disjoint and cover the sweep")
        XCTAssertEqual(s1.alreadyPresent, 0)
        // Merging again changes nothing.
        XCTAssertEqual(try merged.merge(from: dir + "/shard0.sqlite").alreadyPresent, s0.added)

        func essence(_ db: ResultsDatabase) throws -> [[String]] {
            try db.runs().map { [$0.key, $0.configuration, $0.status.rawValue, $0.method, $0.shift, "\($0.seed)", "\($0.learningRate)"] }
        }
        XCTAssertEqual(try essence(merged), try essence(whole))
        XCTAssertEqual(try merged.runs().count, plan.runs.count)
        XCTAssertEqual(try merged.epochs().mapValues(\.count), try whole.epochs().mapValues(\.count))
        XCTAssertEqual(Set(try merged.models().keys), Set(try whole.models().keys))
    }

    func testShardParsingAndSLURM() throws {
        XCTAssertEqual(try Shard(parsing: "1/4"), Shard(index: 1, count: 4))
        XCTAssertThrowsError(try Shard(parsing: "4/4"))
        XCTAssertThrowsError(try Shard(parsing: "x"))
        XCTAssertEqual(try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"]), Shard(index: 2, count: 3))
        XCTAssertEqual(try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"]),
                       Shard(index: 2, count: 3))
        XCTAssertNil(try Shard.fromSLURM([:]))
    }
}
