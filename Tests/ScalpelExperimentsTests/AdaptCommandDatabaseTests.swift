import Foundation
import Testing
@testable import ScalpelExperiments

/// `scalpel adapt --db` records its run under the key a sweep gives the same run, and a rerun
/// replaces it instead of adding a second row.
@Suite struct AdaptCommandDatabaseTests {
    /// Runs `scalpel` to the end; returns its exit status and standard output + error.
    func scalpel(_ binary: String, _ arguments: [String]) throws -> (Int32, String) {
        return try SweepFixtures.run(binary, arguments)
    }

    @Test func theCommandRecordsOnceUnderTheSweepsKey() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("adapt-command")
        try SweepFixtures.prepare(dir, testPerClass: 112)
        let db = dir + "/adapt.sqlite"
        let arguments = ["adapt", "--checkpoint", dir + "/mlp2.safetensors", "--shift", "fmnist-c:gaussian_noise:3",
                         "--method", "memo", "--mode", "online", "--tune", "last", "--augmentations", "2", "--lr", "1e-3",
                         "--test-size", "8", "--every", "4", "--data-dir", dir + "/data", "--db", db]
        let (status, first) = try scalpel(binary, arguments)
        #expect(status == 0, "\(first)")
        #expect(first.contains("recorded in \(db)"), "\(first)")
        let (again, second) = try scalpel(binary, arguments)
        #expect(again == 0, "\(second)")
        #expect(second.contains("replaced the run of the same identity"), "\(second)")

        let runs = try ResultsDatabase(readingFrom: db).adaptationRuns()
        #expect(runs.count == 1)
        let plan = try ExperimentSpec(yaml: SweepFixtures.adaptationSpec(dir, modes: "[online]", selections: "[last]", seeds: [0])).plan()
        #expect(runs.map(\.key) == plan.adaptationRuns.map(\.key), "the command and the sweep name the run alike")
        #expect(runs.first?.experiment == "adapt")
        #expect(try ResultsDatabase(readingFrom: db).adaptationCurves()[runs[0].key]?.map(\.seen) == [4, 8])
    }

    @Test func aBadDatabasePathFailsBeforeAdapting() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("adapt-baddb")
        try SweepFixtures.prepare(dir, testPerClass: 112)
        let (status, output) = try scalpel(binary, [
            "adapt", "--checkpoint", dir + "/mlp2.safetensors", "--shift", "fmnist-c:gaussian_noise:3", "--test-size", "8",
            "--augmentations", "2", "--data-dir", dir + "/data", "--db", dir + "/no/such/dir/adapt.sqlite"])
        #expect(status == 64)
        #expect(output.contains("--db '\(dir)/no/such/dir/adapt.sqlite': the directory") && output.contains("does not exist"),
                "\(output)")
        #expect(!output.contains("adapted:"), "\(output)")
    }
}
