import Foundation
import GRDB
import Testing
@testable import ScalpelExperiments

/// `scalpel sweep --reuse`: the outcome line counts the reused runs; an unrelated SQLite file is
/// refused with exit status 65 before anything is written; `--reuse` naming `--db` is a usage error.
@Suite struct SweepReuseCommandTests {
    @Test func theCommandReusesCountsAndRefuses() throws {
        let cli = CommandLineSafetyTests()
        let dir = SweepFixtures.tempDir("reuse-cli")
        try SweepFixtures.prepare(dir)
        let spec = dir + "/study.yaml", first = dir + "/first.sqlite"
        try SweepFixtures.study(dir, "study", methods: "[last]").write(toFile: spec, atomically: true, encoding: .utf8)
        try SweepRunner(plan: ExperimentSpec(contentsOf: spec).plan(source: spec), database: ResultsDatabase(path: first)).run()

        let (status, text) = try cli.scalpel(["sweep", spec, "--db", dir + "/second.sqlite", "--reuse", first],
                                             environment: ["SCALPEL_THREADS": "1"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("0 runs recorded (0 diverged, 0 failed), 0 already there, reused 6"), "\(text)")
        #expect(try ResultsDatabase(readingFrom: dir + "/second.sqlite").runs().count == 6)

        let contacts = dir + "/contacts.sqlite"
        let queue = try DatabaseQueue(path: contacts)
        try queue.write { try $0.execute(sql: "CREATE TABLE people (name TEXT)") }
        try queue.close()
        let (refused, message) = try cli.scalpel(["sweep", spec, "--db", dir + "/third.sqlite", "--reuse", contacts])
        #expect(refused == 65, "\(message)")
        #expect(message.contains("\(contacts): not a Scalpel results database"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/third.sqlite"))

        let (usage, same) = try cli.scalpel(["sweep", spec, "--db", first, "--reuse", first])
        #expect(usage == 64 && same.contains("same file as --reuse"), "\(same)")
    }
}
