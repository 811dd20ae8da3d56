import Foundation
import Testing
@testable import ScalpelExperiments

/// A `scalpel sweep` killed with SIGKILL in the middle and run again records every run exactly once.
@Suite struct ResumeAfterKillTests {
    /// Runs `scalpel` with `arguments`; returns the process (started) and its standard error.
    func launch(_ binary: String, _ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, err)
    }

    @Test func killedSweepResumesWithEveryRunRecordedOnce() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("kill")
        try SweepFixtures.prepare(dir)
        let spec = dir + "/spec.yaml", db = dir + "/results.sqlite"
        try SweepFixtures.spec(dir, seeds: [0, 1, 2, 3, 4]).write(toFile: spec, atomically: true, encoding: .utf8)
        let plan = try ExperimentSpec(contentsOf: spec).plan(source: spec)

        // First sweep: killed as soon as it reports its first recorded run.
        let (first, err) = try launch(binary, ["sweep", spec, "--db", db])
        var seen = ""
        while !seen.contains("run 1/") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("run 1/"), "the sweep ended before its first run: \(seen)")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        #expect(first.terminationStatus == SIGKILL)

        let partial = try ResultsDatabase(readingFrom: db).runs()
        #expect(partial.count >= 1)
        #expect(partial.count < plan.runs.count, "the kill landed after the sweep had finished")

        // Second sweep: runs the rest.
        let (second, log) = try launch(binary, ["sweep", spec, "--db", db])
        let secondLog = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "\(secondLog)")
        #expect(secondLog.contains("\(partial.count) already recorded"), "\(secondLog)")

        let database = try ResultsDatabase(readingFrom: db)
        let runs = try database.runs()
        #expect(runs.map(\.key).sorted() == plan.runs.map(\.key).sorted(), "every planned run exactly once")
        #expect(runs.allSatisfy { $0.status != .failed }, "\(runs.compactMap(\.message))")
        // No half-written run: every finished run has all its epochs, and nothing else has epochs.
        let epochs = try database.epochs()
        for r in runs where r.status == .done { #expect(epochs[r.key]?.map(\.epoch) == [1, 2], "\(r.method)") }
        #expect(Set(epochs.keys).subtracting(runs.map(\.key)).isEmpty)
        // The runs from before the kill were kept, not redone.
        let before = Dictionary(uniqueKeysWithValues: partial.map { ($0.key, $0.finishedAt) })
        for r in runs where before[r.key] != nil { #expect(r.finishedAt == before[r.key]) }
    }
}
