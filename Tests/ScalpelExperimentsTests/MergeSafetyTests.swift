import Foundation
import GRDB
import Testing
@testable import ScalpelExperiments

/// `ResultsMerge` writes a merged database only when every input is valid, never touches an
/// unrelated file, and names the file in every error; unreadable stored JSON is reported by run.
@Suite struct MergeSafetyTests {
    /// A folder with a finished sweep's database (`good.sqlite`) and the plan it ran.
    func setting() throws -> (dir: String, good: String, plan: SweepPlan) {
        let dir = SweepFixtures.tempDir("merge-safety")
        try SweepFixtures.prepare(dir)
        let plan = try ExperimentSpec(yaml: SweepFixtures.spec(dir, seeds: [0])).plan()
        try SweepRunner(plan: plan, database: ResultsDatabase(path: dir + "/good.sqlite")).run()
        return (dir, dir + "/good.sqlite", plan)
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    func hiddenFiles(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
    }

    @Test func aBadInputLeavesNoTargetAndIsNamed() throws {
        let (dir, good, _) = try setting()
        let garbage = dir + "/garbage.sqlite"
        try Data("this is not a database, just text long enough to fill SQLite's header".utf8).write(to: URL(fileURLWithPath: garbage))
        let target = dir + "/merged.sqlite"
        let text = message { _ = try ResultsMerge.merge([good, garbage], into: target) }
        #expect(text == "\(garbage): not a SQLite database")
        #expect(!FileManager.default.fileExists(atPath: target), "no empty database left behind")
        #expect(try hiddenFiles(dir).isEmpty)
        // The same through the database opened directly: the file is named, not just "error 26".
        #expect(message { _ = try ResultsDatabase(readingFrom: garbage) } == "\(garbage): not a SQLite database")
        #expect(message { _ = try ResultsDatabase(path: garbage) } == "\(garbage): not a SQLite database")
        #expect(message { _ = try ResultsMerge.merge([dir + "/missing.sqlite"], into: target) }
                == "\(dir)/missing.sqlite: no such results database")
    }

    @Test func anUnrelatedSQLiteFileIsNeitherATargetNorChanged() throws {
        let (dir, good, _) = try setting()
        let other = dir + "/contacts.sqlite"
        let queue = try DatabaseQueue(path: other)
        try queue.write { try $0.execute(sql: "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('Ada')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        let text = message { _ = try ResultsMerge.merge([good], into: other) }
        #expect(text.hasPrefix("\(other): not a Scalpel results database"), "\(text)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before, "the file is untouched")
        // A sweep (or `adapt --db`) refuses it too, before adding any table.
        let opened = message { _ = try ResultsDatabase(path: other) }
        #expect(opened.hasPrefix("\(other): an SQLite database that is not a Scalpel results database (it holds 'people')"))
        let tables = try DatabaseQueue(path: other).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables == ["people"])
        // As an input, it is named as well.
        #expect(message { _ = try ResultsMerge.merge([other], into: dir + "/x.sqlite") } == "\(other): not a Scalpel results database")
        #expect(message { _ = try ResultsMerge.merge([good], into: dir) }.hasPrefix("\(dir): not a regular file"))
        #expect(message { _ = try ResultsMerge.merge([good], into: good) } == "\(good): is also the merge target")
        #expect(message { _ = try ResultsMerge.merge([dir + "/../\(URL(fileURLWithPath: dir).lastPathComponent)/good.sqlite"], into: good) }
                .hasSuffix("is also the merge target"))
    }

    @Test func aMergeIntoAnExistingDatabaseKeepsItsRunsAndLeavesNoTemporaryFile() throws {
        let (dir, good, plan) = try setting()
        let target = dir + "/target.sqlite"
        // The target holds shard 0; merging the whole sweep adds the rest.
        let shard = plan.restricted(to: Shard(index: 0, count: 2))
        try SweepRunner(plan: shard, database: ResultsDatabase(path: target)).run()
        let result = try ResultsMerge.merge([good], into: target)
        #expect(result.count == 1)
        #expect(result[0].summary.added == plan.runs.count - shard.runs.count)
        #expect(result[0].summary.alreadyPresent == shard.runs.count)
        let merged = try ResultsDatabase(readingFrom: target)
        #expect(try merged.runs().map(\.key) == ResultsDatabase(readingFrom: good).runs().map(\.key))
        #expect(try merged.epochs().count == plan.runs.count)
        #expect(try hiddenFiles(dir).isEmpty)
        // A bad input now leaves the existing target exactly as it was.
        let before = try Data(contentsOf: URL(fileURLWithPath: target))
        let broken = dir + "/broken.sqlite"
        try Data(count: 4096).write(to: URL(fileURLWithPath: broken))
        #expect(message { _ = try ResultsMerge.merge([good, broken], into: target) }.hasPrefix(broken + ": "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before)
        #expect(try hiddenFiles(dir).isEmpty)
    }

    @Test func unreadableResultJSONIsReportedByRun() throws {
        let (_, good, plan) = try setting()
        let database = try ResultsDatabase(path: good)
        #expect(try database.unreadableValues().isEmpty)
        let victim = try #require(try database.runs().first { $0.status == .done })
        try database.queue.write { db in
            try db.execute(sql: "UPDATE runs SET result = '{\"status\": \"done\", truncated' WHERE key = ?", arguments: [victim.key])
            try db.execute(sql: "UPDATE epochs SET tensor_weights = '[1,' WHERE run_key = ? AND epoch = 1", arguments: [victim.key])
        }
        let problems = try database.unreadableValues()
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.first?.hasPrefix("\(good): \(victim.label): its result JSON does not decode (") == true, "\(problems)")
        #expect(problems.first?.hasSuffix("its cells show as –") == true)
        #expect(problems.last == "\(good): run \(victim.key.prefix(12)) epoch 1: its tensor_weights JSON does not decode")
        #expect(victim.label.contains("seed 0") && victim.label.contains(victim.shift))
        #expect(plan.runs.contains { $0.key == victim.key })
    }
}
