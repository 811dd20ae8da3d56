import Foundation
import XCTest
@testable import ScalpelExperiments
import ScalpelNN

/// Run keys: a canonical hash of what a run computes, independent of where files are.
final class RunIdentityTests: XCTestCase {
    func testKeysFollowTheConfigurationNotThePath() throws {
        let dir = SweepFixtures.tempDir("identity")
        try SweepFixtures.prepare(dir)
        let keys = try ExperimentSpec(yaml: SweepFixtures.spec(dir)).plan().runs.map(\.key)
        try FileManager.default.moveItem(atPath: dir + "/mlp2.safetensors", toPath: dir + "/moved.safetensors")
        let moved = SweepFixtures.spec(dir).replacingOccurrences(of: "mlp2.safetensors", with: "moved.safetensors")
        XCTAssertEqual(try ExperimentSpec(yaml: moved).plan().runs.map(\.key), keys, "a moved checkpoint keeps its runs")
        let longer = SweepFixtures.spec(dir).replacingOccurrences(of: "mlp2.safetensors", with: "moved.safetensors")
            .replacingOccurrences(of: "epochs: 2", with: "epochs: 3")
        XCTAssertTrue(Set(try ExperimentSpec(yaml: longer).plan().runs.map(\.key)).isDisjoint(with: keys),
                      "other training options are other runs")
    }

    func testShardsAreDisjointAndCoverEveryKey() {
        let keys = (0..<200).map { FileHash.sha256(Data("run \($0)".utf8)) }
        let shards = (0..<3).map { i in Set(keys.filter { Shard(index: i, count: 3).contains(key: $0) }) }
        XCTAssertEqual(shards.map(\.count).reduce(0, +), keys.count)
        XCTAssertEqual(shards[0].union(shards[1]).union(shards[2]), Set(keys))
        XCTAssertTrue(shards.allSatisfy { $0.count > 40 }, "roughly even: \(shards.map(\.count))")
    }

    func testAShiftMayNameItsOwnCheckpoint() throws {
        let spec = try ExperimentSpec(yaml: """
            checkpoints: [a.safetensors]
            shifts: [fmnist-flip, {shift: fmnist-subpop, checkpoint: b.safetensors}]
            methods: [all]
            learning_rates: [1e-3]
            """)
        XCTAssertEqual(spec.shifts, [ShiftEntry("fmnist-flip"), ShiftEntry("fmnist-subpop", checkpoint: "b.safetensors")])
        XCTAssertThrowsError(try spec.plan()) { error in
            let e = error as! SpecErrors
            XCTAssertTrue(e.names("checkpoints[0]") && e.names("shifts[1].checkpoint"), "\(e)")
        }
    }
}
