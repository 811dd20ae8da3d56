import Foundation
import GRDB
import Testing
@testable import ScalpelExperiments

/// Sweeps started together on a database of an older schema version migrate it at the same
/// moment: every one of them must open it (found when two `scalpel sweep` processes were started
/// on a v2 database and one failed with "table \"claims\" already exists").
struct SchemaMigrationRaceTests {
    @Test func connectionsOpeningAnOldDatabaseTogetherAllSucceed() throws {
        for round in 0..<16 {
            let path = AdaptationFixtures.path("migration-race-\(round)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let queue = try DatabaseQueue(path: path)
            try ResultsSchema.migrator.migrate(queue, upTo: "v1")
            try queue.close()

            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { try ResultsDatabase(path: path).close() } catch { failures.add("\(error)") }
            }
            #expect(failures.messages.isEmpty, "round \(round): \(failures.messages)")
            let reading = try ResultsDatabase(readingFrom: path)
            #expect(try reading.hasAdaptationTables())
        }
    }
}

/// Error messages collected from concurrent work.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ message: String) { lock.lock(); list.append(message); lock.unlock() }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
