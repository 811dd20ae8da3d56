import Foundation
import GRDB
import Testing
@testable import ScalpelExperiments

/// A results database that is not one is refused naming the file, and left as it was.
@Suite struct ResultsDatabaseErrorTests {
    @Test func aFileThatIsNotSQLiteIsNamed() throws {
        let dir = SweepFixtures.tempDir("db-errors")
        let path = dir + "/notes.sqlite"
        let text = String(repeating: "these are my notes, not a database\n", count: 200)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for open in [{ _ = try ResultsDatabase(path: path) }, { _ = try ResultsDatabase(readingFrom: path) }] {
            let error = #expect(throws: ResultsDatabaseError.self) { try open() }
            #expect(error?.description == "\(path): not a SQLite database")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func anUnrelatedSQLiteFileGetsNoScalpelTables() throws {
        let dir = SweepFixtures.tempDir("db-errors")
        let path = dir + "/other.sqlite"
        let other = try DatabaseQueue(path: path)
        try other.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')") }
        try other.close()
        let error = #expect(throws: ResultsDatabaseError.self) { _ = try ResultsDatabase(path: path) }
        #expect(error?.description.hasPrefix("\(path): an SQLite database that is not a Scalpel results database") == true)
        let tables = try DatabaseQueue(path: path).read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["contacts"])
    }

    @Test func aNewOrExistingResultsDatabaseStillOpens() throws {
        let path = SweepFixtures.tempDir("db-errors") + "/results.sqlite"
        _ = try ResultsDatabase(path: path)
        _ = try ResultsDatabase(path: path)
        _ = try ResultsDatabase(readingFrom: path)
    }
}
