import Foundation
import ScalpelData
import Testing
@testable import ScalpelExperiments

/// Relative paths in a spec (checkpoints, a shift's checkpoint, `data_dir`, a user-data shift's
/// `target:` and `source:`) are resolved against the spec file's directory, not the working
/// directory: a sweep started elsewhere finds them and runs, and its runs keep the keys the spec's
/// text gives them.
@Suite struct SpecPathTests {
    @Test func relativePathsResolveAgainstTheSpecFileFromAnotherDirectory() throws {
        let dir = SweepFixtures.tempDir("spec-paths")
        try SweepFixtures.prepare(dir)
        try UserDataSweepTests.writeFolder(dir + "/images/target")
        try UserDataSweepTests.writeFolder(dir + "/images/source")
        let yaml = """
        name: paths
        checkpoints: [mlp2.safetensors]
        shifts:
          - {name: mine, target: images/target, source: ./images/source}
          - {shift: fmnist-flip, checkpoint: ./mlp2.safetensors}
        methods: [last]
        learning_rates: [1e-2]
        target_sizes: [4]
        validation_per_class: 4
        test_per_class: 4
        epochs: 1
        batch_size: 8
        data_dir: data
        """
        let path = dir + "/spec.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        // The test process runs elsewhere: none of these relative paths exists in its directory.
        let cwd = FileManager.default.currentDirectoryPath
        #expect(URL(fileURLWithPath: cwd).standardized.path != URL(fileURLWithPath: dir).standardized.path)
        for relative in ["mlp2.safetensors", "images/target", "data"] { #expect(!FileManager.default.fileExists(atPath: relative)) }

        let plan = try ExperimentSpec(contentsOf: path).plan(source: path)
        let root = URL(fileURLWithPath: dir).standardized.path
        #expect(plan.dataDirectory == root + "/data")
        #expect(plan.sessions.map(\.checkpoint.path) == [root + "/mlp2.safetensors", root + "/mlp2.safetensors"])
        guard case .userData(let user) = plan.sessions[0].shift else {
            Issue.record("expected a data: shift, got \(plan.sessions[0].shift)")
            return
        }
        #expect(user.target == root + "/images/target" && user.source == root + "/images/source")
        // Run identities keep the text as written, so the runs are the same whichever directory the sweep starts from.
        #expect(plan.runs[0].configuration.identity.shift == "data:images/target:source=./images/source")

        let database = try ResultsDatabase(path: dir + "/results.sqlite")
        let outcome = try SweepRunner(plan: plan, database: database).run()
        #expect(outcome.ran == 2 && outcome.failed == 0)
        #expect(Set(try database.runs().map(\.shift)) == ["mine", "fmnist-flip"])
    }
}
