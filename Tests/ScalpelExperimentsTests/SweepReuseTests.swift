import Foundation
import GRDB
import Testing
@testable import ScalpelExperiments

/// `--reuse`: a sweep copies the finished runs another study's database holds under the same
/// key instead of computing them, copies them unchanged, and refuses a file that is not a
/// results database (or one a newer Scalpel wrote), naming it.
@Suite struct SweepReuseTests {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    /// Runs `yaml` into `db` reusing `sources`; returns the outcome.
    @discardableResult
    func sweep(_ yaml: String, into db: String, reusing sources: [String] = []) throws -> SweepRunner.Outcome {
        var runner = SweepRunner(plan: try ExperimentSpec(yaml: yaml).plan(), database: try ResultsDatabase(path: db))
        runner.reuseSources = try sources.map { try ResultsDatabase(reusingFrom: $0, sweepDatabase: db) }
        return try runner.run()
    }

    @Test func aSweepWithReuseComputesOnlyTheMissingRunsAndCopiesTheOthersUnchanged() throws {
        let dir = SweepFixtures.tempDir("reuse")
        try SweepFixtures.prepare(dir)
        let first = dir + "/first.sqlite", second = dir + "/second.sqlite"
        // 2 shifts × 2 methods × 3 rates = 12 runs.
        let a = try sweep(SweepFixtures.study(dir, "first", methods: "[all, last]"), into: first)
        #expect(a.ran == 12)
        // The second study adds surgical:first (2 shifts × 3 rates = 6 runs) and has another name.
        let yaml = SweepFixtures.study(dir, "second", methods: "[all, last, surgical:first]")
        let before = try Data(contentsOf: URL(fileURLWithPath: first))
        let b = try sweep(yaml, into: second, reusing: [first])
        #expect(b.reused == 12 && b.ran == 6 && b.skipped == 0 && b.failed == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == before, "the reused database is only read")

        let original = try ResultsDatabase(readingFrom: first), copy = try ResultsDatabase(readingFrom: second)
        let originals = try original.runs(), copies = try copy.runs()
        #expect(copies.count == 18)
        for run in originals {
            let copied = try #require(copies.first { $0.key == run.key })
            #expect(copied == run, "\(run.label) is copied as it was")
            #expect(copied.experiment == "first")
        }
        #expect(Set(copies.filter { $0.method == "surgical:first" }.map(\.experiment)) == ["second"])
        let keys = Set(originals.map(\.key))
        #expect(try copy.epochs(keys: keys) == original.epochs(keys: keys))
        #expect(try copy.epochs(keys: keys).values.map(\.count).reduce(0, +) == 24, "2 epochs of each run")

        // Run again: everything is there, nothing reused or computed.
        let c = try sweep(yaml, into: second, reusing: [first])
        #expect(c.skipped == 18 && c.reused == 0 && c.ran == 0)
    }

    @Test func aFileThatIsNotAResultsDatabaseIsRefusedAndNamed() throws {
        let dir = SweepFixtures.tempDir("reuse-refused")
        try SweepFixtures.prepare(dir)
        let good = dir + "/good.sqlite", db = dir + "/sweep.sqlite"
        try sweep(SweepFixtures.study(dir, "other", methods: "[last]"), into: good)

        let contacts = dir + "/contacts.sqlite"
        let queue = try DatabaseQueue(path: contacts)
        try queue.write { try $0.execute(sql: "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('Ada')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: contacts))
        #expect(message { _ = try ResultsDatabase(reusingFrom: contacts, sweepDatabase: db) }
                == "\(contacts): not a Scalpel results database")
        #expect(try Data(contentsOf: URL(fileURLWithPath: contacts)) == before, "untouched")

        let text = dir + "/notes.sqlite"
        try Data("this is not a database, just text long enough to fill SQLite's header".utf8).write(to: URL(fileURLWithPath: text))
        #expect(message { _ = try ResultsDatabase(reusingFrom: text, sweepDatabase: db) } == "\(text): not a SQLite database")
        #expect(message { _ = try ResultsDatabase(reusingFrom: dir + "/missing.sqlite", sweepDatabase: db) }
                == "\(dir)/missing.sqlite: no such results database")
        #expect(message { _ = try ResultsDatabase(reusingFrom: good, sweepDatabase: good) }.hasPrefix("\(good): is the sweep's own database"))

        // A database a newer Scalpel migrated further.
        let newer = dir + "/newer.sqlite"
        try FileManager.default.copyItem(atPath: good, toPath: newer)
        let q = try DatabaseQueue(path: newer)
        try q.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-future')") }
        try q.close()
        #expect(message { _ = try ResultsDatabase(reusingFrom: newer, sweepDatabase: db) }
                == "\(newer): written by a newer Scalpel (schema v9-future unknown to this build); update Scalpel to reuse its runs")
        #expect(message { _ = try ResultsDatabase(reusingFrom: good, sweepDatabase: db) } == "")
    }

    @Test func theSpecsReuseListIsResolvedAgainstTheSpecAndChecked() throws {
        let dir = SweepFixtures.tempDir("reuse-spec")
        try SweepFixtures.prepare(dir)
        try FileManager.default.createDirectory(atPath: dir + "/experiments", withIntermediateDirectories: true)
        try sweep(SweepFixtures.study(dir, "other", methods: "[last]"), into: dir + "/other.sqlite")
        let spec = dir + "/experiments/study.yaml"
        try SweepFixtures.study(dir, "other", methods: "[last]", extra: "reuse: [../other.sqlite]")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        let plan = try ExperimentSpec(contentsOf: spec).plan(source: spec)
        #expect(plan.reuse == [dir + "/other.sqlite"])
        #expect(plan.restricted(to: try Shard(parsing: "0/2")).reuse == plan.reuse)

        try SweepFixtures.study(dir, "other", methods: "[last]", extra: "reuse: [../missing.sqlite, ../experiments]")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        let text = message { _ = try ExperimentSpec(contentsOf: spec).plan(source: spec) }
        #expect(text.contains("reuse[0]: '../missing.sqlite' is not a results database file"), "\(text)")
        #expect(text.contains("reuse[1]: '../experiments' is not a results database file"), "\(text)")
        #expect(message { _ = try ExperimentSpec(yaml: SweepFixtures.study(dir, "x", methods: "[last]", extra: "reuse: x.sqlite")) }.contains("reuse"))
    }
}
