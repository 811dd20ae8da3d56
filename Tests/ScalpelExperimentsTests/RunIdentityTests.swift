import Foundation
import Testing
@testable import ScalpelExperiments
import ScalpelNN

/// Run keys: a canonical hash of what a run computes, independent of where files are.
@Suite struct RunIdentityTests {
    @Test func keysFollowTheConfigurationNotThePath() throws {
        let dir = SweepFixtures.tempDir("identity")
        try SweepFixtures.prepare(dir)
        let keys = try ExperimentSpec(yaml: SweepFixtures.spec(dir)).plan().runs.map(\.key)
        try FileManager.default.moveItem(atPath: dir + "/mlp2.safetensors", toPath: dir + "/moved.safetensors")
        let moved = SweepFixtures.spec(dir).replacingOccurrences(of: "mlp2.safetensors", with: "moved.safetensors")
        #expect(try ExperimentSpec(yaml: moved).plan().runs.map(\.key) == keys, "a moved checkpoint keeps its runs")
        let longer = moved.replacingOccurrences(of: "epochs: 2", with: "epochs: 3")
        #expect(try Set(ExperimentSpec(yaml: longer).plan().runs.map(\.key)).isDisjoint(with: keys),
                "other training options are other runs")
    }

    @Test func shardsAreDisjointAndCoverEveryKey() {
        let keys = (0..<200).map { FileHash.sha256(Data("run \($0)".utf8)) }
        let shards = (0..<3).map { i in Set(keys.filter { Shard(index: i, count: 3).contains(key: $0) }) }
        #expect(shards.map(\.count).reduce(0, +) == keys.count)
        #expect(shards[0].union(shards[1]).union(shards[2]) == Set(keys))
        #expect(shards.allSatisfy { $0.count > 40 }, "roughly even: \(shards.map(\.count))")
    }

    @Test func aShiftMayNameItsOwnCheckpoint() throws {
        let spec = try ExperimentSpec(yaml: """
            checkpoints: [a.safetensors]
            shifts: [fmnist-flip, {shift: fmnist-subpop, checkpoint: b.safetensors}]
            methods: [all]
            learning_rates: [1e-3]
            """)
        #expect(spec.shifts == [ShiftEntry("fmnist-flip"), ShiftEntry("fmnist-subpop", checkpoint: "b.safetensors")])
        let error = #expect(throws: SpecErrors.self) { try spec.plan() }
        #expect(error?.names("checkpoints[0]") == true)
        #expect(error?.names("shifts[1].checkpoint") == true)
    }
}
