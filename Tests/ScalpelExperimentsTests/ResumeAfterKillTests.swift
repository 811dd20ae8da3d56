import Foundation
import XCTest
@testable import ScalpelExperiments

/// A `scalpel sweep` killed with SIGKILL in the middle and run again records every run exactly once.
final class ResumeAfterKillTests: XCTestCase {
    func testKilledSweepResumesWithEveryRunRecordedOnce() throws {
        let binary = try XCTUnwrap(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("kill")
        try SweepFixtures.prepare(dir)
        let spec = dir + "/spec.yaml", db = dir + "/results.sqlite"
        try SweepFixtures.spec(dir, seeds: [0, 1, 2, 3, 4]).write(toFile: spec, atomically: true, encoding: .utf8)
        let plan = try ExperimentSpec(contentsOf: spec).plan(source: spec)

        // First sweep: killed as soon as it reports its first recorded run.
        let first = Process()
        first.executableURL = URL(fileURLWithPath: binary)
        first.arguments = ["sweep", spec, "--db", db]
        let err = Pipe()
        first.standardError = err
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        var seen = ""
        while !seen.contains("run 1/") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(seen.contains("run 1/"), "the sweep ended before its first run: \(seen)")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        XCTAssertEqual(first.terminationStatus, SIGKILL)

        let partial = try ResultsDatabase(readingFrom: db).runs()
        XCTAssertGreaterThanOrEqual(partial.count, 1)
        XCTAssertLessThan(partial.count, plan.runs.count, "the kill landed after the sweep had finished")

        // Second sweep: runs the rest.
        let second = Process()
        second.executableURL = URL(fileURLWithPath: binary)
        second.arguments = ["sweep", spec, "--db", db]
        let log = Pipe()
        second.standardError = log
        second.standardOutput = FileHandle.nullDevice
        try second.run()
        let secondLog = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0, secondLog)
        XCTAssertTrue(secondLog.contains("\(partial.count) already recorded"), secondLog)

        let database = try ResultsDatabase(readingFrom: db)
        let runs = try database.runs()
        XCTAssertEqual(runs.map(\.key).sorted(), plan.runs.map(\.key).sorted(), "every planned run exactly once")
        XCTAssertTrue(runs.allSatisfy { $0.status != .failed }, runs.compactMap(\.message).joined(separator: "\n"))
        // No half-written run: every finished run has all its epochs, and nothing else has epochs.
        let epochs = try database.epochs()
        for r in runs where r.status == .done { XCTAssertEqual(epochs[r.key]?.map(\.epoch), [1, 2], r.method) }
        XCTAssertEqual(Set(epochs.keys).subtracting(runs.map(\.key)), [])
        // The runs from before the kill were kept, not redone.
        let before = Dictionary(uniqueKeysWithValues: partial.map { ($0.key, $0.finishedAt) })
        for r in runs where before[r.key] != nil { XCTAssertEqual(r.finishedAt, before[r.key]) }
    }
}
