import Foundation
import Testing
@testable import ScalpelExperiments

/// Two `scalpel sweep` processes on one database divide its runs: every run is computed once in
/// all, both do work, and when one is killed the other finishes its run.
@Suite(.serialized) struct ConcurrentSweepTests {
    /// A started `scalpel` process and its standard error, read to the end on a background queue.
    final class Launched: @unchecked Sendable {
        let process = Process()
        let pipe = Pipe()
        private var data = Data()
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)

        init(_ binary: String, _ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
            var environment = ProcessInfo.processInfo.environment
            environment["SCALPEL_THREADS"] = "1"
            environment.removeValue(forKey: "SLURM_ARRAY_TASK_ID")
            process.environment = environment
            try process.run()
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async {
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    self.lock.withLock { self.data.append(chunk) }
                }
                self.done.signal()
            }
        }

        /// What the process has written so far.
        var log: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

        /// Waits for the process and its last output.
        func finish() -> String {
            process.waitUntilExit()
            done.wait()
            return log
        }

        /// The runs this process recorded, as `shift method n lr h seed` from its log lines.
        var recorded: [String] {
            log.split(separator: "\n").compactMap { line in
                line.firstMatch(of: /run \d+\/\d+ (?:done|diverged|failed) (.* seed \d+):/).map { String($0.1) }
            }
        }
    }

    /// A spec of `seeds.count` × 14 short runs over the fixture, with 3 epochs each.
    func setting(_ name: String, seeds: [Int]) throws -> (binary: String, spec: String, db: String, plan: SweepPlan) {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir(name)
        try SweepFixtures.prepare(dir)
        let spec = dir + "/spec.yaml"
        try SweepFixtures.spec(dir, seeds: seeds).replacingOccurrences(of: "epochs: 2", with: "epochs: 3")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        return (binary, spec, dir + "/results.sqlite", try ExperimentSpec(contentsOf: spec).plan(source: spec))
    }

    @Test func twoSweepsOnOneDatabaseDivideTheRuns() throws {
        let (binary, spec, db, plan) = try setting("two-sweeps", seeds: [0, 1, 2, 3])
        _ = try ResultsDatabase(path: db)  // created once, so the two do not race to create the schema
        let a = try Launched(binary, ["sweep", spec, "--db", db])
        let b = try Launched(binary, ["sweep", spec, "--db", db])
        let (logA, logB) = (a.finish(), b.finish())
        #expect(a.process.terminationStatus == 0, "\(logA)")
        #expect(b.process.terminationStatus == 0, "\(logB)")

        let runs = try ResultsDatabase(readingFrom: db).runs()
        #expect(runs.map(\.key).sorted() == plan.runs.map(\.key).sorted(), "every planned run recorded")
        #expect(runs.allSatisfy { $0.status != .failed }, "\(runs.compactMap(\.message))")
        // Every run computed exactly once in all: the two logs' runs are the plan, without repeats.
        let (ranA, ranB) = (a.recorded, b.recorded)
        #expect(ranA.count + ranB.count == plan.runs.count, "A ran \(ranA.count), B ran \(ranB.count) of \(plan.runs.count)")
        #expect(Set(ranA).isDisjoint(with: ranB))
        #expect(Set(ranA + ranB).count == plan.runs.count)
        #expect(!ranA.isEmpty && !ranB.isEmpty, "both processes did work: A \(ranA.count), B \(ranB.count)")
        // A counts B's runs either as already recorded when it planned (B may start first on a busy
        // machine) or as recorded by other sweeps while it ran; together they are all of B's runs.
        #expect(Self.count(before: " already recorded", in: logA) + Self.count(before: " recorded by other sweeps", in: logA)
                    == ranB.count, "\(logA)")
        #expect(try ResultsDatabase(readingFrom: db).claims().isEmpty)
    }

    @Test func whenOneSweepIsKilledTheOtherFinishesItsRun() throws {
        let (binary, spec, db, plan) = try setting("kill-one", seeds: [0, 1, 2, 3])
        _ = try ResultsDatabase(path: db)
        let a = try Launched(binary, ["sweep", spec, "--db", db])
        let b = try Launched(binary, ["sweep", spec, "--db", db])
        // Kill A while it holds a claim (polling the claims table), after it recorded a run.
        let reader = try ResultsDatabase(readingFrom: db)
        var killedHolding: String?
        let deadline = Date(timeIntervalSinceNow: 120)
        while killedHolding == nil && Date() < deadline && a.process.isRunning {
            if a.log.contains("run 1/"), let held = try reader.claims().first(where: { $0.owner.pid == a.process.processIdentifier }) {
                kill(a.process.processIdentifier, SIGKILL)
                killedHolding = held.key
            }
            usleep(2_000)
        }
        _ = a.finish()
        let logB = b.finish()
        let key = try #require(killedHolding, "A was never seen holding a claim: \(a.log)")
        #expect(a.process.terminationReason == .uncaughtSignal)
        #expect(b.process.terminationStatus == 0, "\(logB)")
        // The kill left A's claim (unless A recorded the run in the instant before it died); B
        // took it over and recorded the run.
        let database = try ResultsDatabase(readingFrom: db)
        let runs = try database.runs()
        #expect(runs.map(\.key).sorted() == plan.runs.map(\.key).sorted(), "every run recorded once: \(logB)")
        #expect(runs.allSatisfy { $0.status != .failed })
        #expect(runs.contains { $0.key == key })
        #expect(try database.claims().isEmpty)
        let ranA = Set(a.recorded)
        #expect(b.recorded.allSatisfy { !ranA.contains($0) }, "B did not redo a run A had recorded")
        // No run computed twice. (A may have died between recording a run and logging it.)
        #expect(ranA.count + b.recorded.count <= plan.runs.count)
        #expect(ranA.count + b.recorded.count >= plan.runs.count - 1)
    }

    @Test func aRerunTakesOverTheClaimOfAKilledSweep() throws {
        let (binary, spec, db, plan) = try setting("kill-rerun", seeds: [0, 1])
        _ = try ResultsDatabase(path: db)
        let reader = try ResultsDatabase(readingFrom: db)
        var left: [ClaimRow] = []
        var killed: Int32 = 0
        // Kill a sweep while it holds a claim; again if the kill fell between two runs.
        for _ in 0..<5 where left.isEmpty {
            let a = try Launched(binary, ["sweep", spec, "--db", db])
            let deadline = Date(timeIntervalSinceNow: 120)
            while Date() < deadline && a.process.isRunning {
                if a.log.contains("run 1/"), !(try reader.claims().isEmpty) {
                    kill(a.process.processIdentifier, SIGKILL)
                    break
                }
                usleep(1_000)
            }
            _ = a.finish()
            killed = a.process.processIdentifier
            left = try reader.claims()
        }
        // The killed sweep's claim is left; the rerun takes it over.
        let rerun = try Launched(binary, ["sweep", spec, "--db", db])
        let log = rerun.finish()
        #expect(rerun.process.terminationStatus == 0, "\(log)")
        for claim in left {
            #expect(claim.owner.pid == killed)
            #expect(log.contains("taking over run \(claim.key.prefix(12)) from pid \(killed)"), "\(log)")
        }
        let runs = try ResultsDatabase(readingFrom: db).runs()
        #expect(runs.map(\.key).sorted() == plan.runs.map(\.key).sorted())
        #expect(try ResultsDatabase(readingFrom: db).claims().isEmpty)
        #expect(!left.isEmpty, "no kill in five landed while a run was claimed")
    }

    /// The number just before `suffix` in `log` (0 when `suffix` does not occur).
    static func count(before suffix: String, in log: String) -> Int {
        guard let range = log.range(of: suffix) else { return 0 }
        let digits = log[..<range.lowerBound].reversed().prefix { $0.isNumber }
        return Int(String(digits.reversed())) ?? 0
    }
}
