import Foundation
import Testing
@testable import ScalpelExperiments

/// Shards of a sweep run separately and merged hold the same runs as the unsharded sweep.
@Suite struct ShardMergeTests {
    @Test func twoShardsMergedEqualTheWholeSweep() throws {
        let dir = SweepFixtures.tempDir("shards")
        try SweepFixtures.prepare(dir)
        let plan = try ExperimentSpec(yaml: SweepFixtures.spec(dir)).plan()

        let whole = try ResultsDatabase(path: dir + "/whole.sqlite")
        try SweepRunner(plan: plan, database: whole).run()
        for i in 0..<2 {
            let shard = plan.restricted(to: Shard(index: i, count: 2))
            #expect(!shard.runs.isEmpty)
            try SweepRunner(plan: shard, database: ResultsDatabase(path: dir + "/shard\(i).sqlite")).run()
        }
        let merged = try ResultsDatabase(path: dir + "/merged.sqlite")
        let s0 = try merged.merge(from: dir + "/shard0.sqlite")
        let s1 = try merged.merge(from: dir + "/shard1.sqlite")
        #expect(s0.added + s1.added == plan.runs.count, "shards are disjoint and cover the sweep")
        #expect(s1.alreadyPresent == 0)
        // Merging again changes nothing.
        #expect(try merged.merge(from: dir + "/shard0.sqlite").alreadyPresent == s0.added)

        func essence(_ db: ResultsDatabase) throws -> [[String]] {
            try db.runs().map { [$0.key, $0.configuration, $0.status.rawValue, $0.method, $0.shift, "\($0.seed)", "\($0.learningRate)"] }
        }
        #expect(try essence(merged) == essence(whole))
        #expect(try merged.runs().count == plan.runs.count)
        #expect(try merged.epochs().mapValues(\.count) == whole.epochs().mapValues(\.count))
        #expect(try Set(merged.models().keys) == Set(whole.models().keys))
    }

    @Test func shardParsingAndSLURM() throws {
        #expect(try Shard(parsing: "1/4") == Shard(index: 1, count: 4))
        #expect(throws: SpecError.self) { try Shard(parsing: "4/4") }
        #expect(throws: SpecError.self) { try Shard(parsing: "x") }
        #expect(try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "2", "SCALPEL_SHARDS": "3"]) == Shard(index: 2, count: 3))
        // A task resubmitted alone (`--array=7`: count 1, min 7) still runs shard 7 of 8.
        #expect(try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "7",
                                     "SCALPEL_SHARDS": "8"]) == Shard(index: 7, count: 8))
        // A stepped array (`--array=0-7:2`: tasks 0, 2, 4, 6, count 4) runs shards 0, 2, 4, 6 of 8.
        #expect(try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "2",
                                     "SCALPEL_SHARDS": "8"]) == Shard(index: 6, count: 8))
        // SLURM's count alone is not trusted; a task id beyond the count is refused by name.
        #expect(throws: SpecError.self) { try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"]) }
        do {
            _ = try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "8", "SCALPEL_SHARDS": "8"])
            Issue.record("task 8 of 8 accepted")
        } catch let error as SpecError {
            #expect(error.description == "SLURM_ARRAY_TASK_ID: 8 is not below SCALPEL_SHARDS=8 (array task ids are the shard indices 0…7)")
        }
        #expect(throws: SpecError.self) { try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "1", "SCALPEL_SHARDS": "0"]) }
        #expect(throws: SpecError.self) { try Shard.fromSLURM(["SLURM_ARRAY_TASK_ID": "x", "SCALPEL_SHARDS": "4"]) }
        #expect(try Shard.fromSLURM([:]) == nil)
    }
}
