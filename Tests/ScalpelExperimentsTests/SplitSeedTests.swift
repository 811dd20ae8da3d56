import Foundation
import Testing
@testable import ScalpelExperiments

/// `split_seed`: one draw of the target split for every seed (an integer), or a draw per seed
/// (`per-seed`); a per-seed run is the fixed-split run of its own seed, and hostile values are
/// refused by field and line before anything runs.
@Suite struct SplitSeedTests {
    let dir: String

    init() throws {
        dir = SweepFixtures.tempDir("split-seed")
        try SweepFixtures.prepare(dir)
    }

    func plan(_ splitSeed: String, seeds: [Int] = [0, 1, 2]) throws -> SweepPlan {
        try ExperimentSpec(yaml: SweepFixtures.spec(dir, seeds: seeds, methods: "[all, last, l1sp]", extra: "split_seed: \(splitSeed)")).plan()
    }

    func errors(_ yaml: String) -> String {
        do {
            _ = try ExperimentSpec(yaml: yaml, source: "x.yaml").plan()
            return ""
        } catch { return "\(error)" }
    }

    @Test func perSeedGivesEachSeedItsOwnDrawAndSession() throws {
        let perSeed = try plan("per-seed"), fixed = try plan("7")
        // 2 shifts × 1 size: one session each with a fixed draw, one per seed and shift per seed.
        #expect(fixed.sessions.map(\.splitSeed) == [7, 7])
        #expect(perSeed.sessions.map(\.splitSeed) == [0, 1, 2, 0, 1, 2])
        for session in perSeed.sessions {
            #expect(session.runs.allSatisfy { $0.identity.seed == session.splitSeed && $0.identity.splitSeed == session.splitSeed })
            #expect(session.runs.count == 7)  // all at 3 rates, last at 2, l1sp at 1 rate × 2 λ
        }
        #expect(perSeed.sessions.last?.label.hasSuffix("n=4 split seed 2") == true)
        #expect(perSeed.runs.count == fixed.runs.count)
        // Keys: seed k of `per-seed` is seed k of `split_seed: k`, and differs from seed k on draw 7.
        let one = try plan("1", seeds: [1])
        let perSeedOne = Set(perSeed.sessions.filter { $0.splitSeed == 1 }.flatMap(\.runs).map(\.key))
        #expect(perSeedOne == Set(one.sessions.flatMap(\.runs).map(\.key)))
        #expect(perSeedOne.isDisjoint(with: Set(fixed.sessions.flatMap(\.runs).map(\.key))))
    }

    @Test func aPerSeedSweepRecordsRunsThatAFixedSpecFindsAgain() throws {
        let db = dir + "/per-seed.sqlite"
        var runner = SweepRunner(plan: try plan("per-seed", seeds: [0, 1]), database: try ResultsDatabase(path: db))
        #expect(try runner.run().ran == 28)
        let records = try ResultsDatabase(readingFrom: db).runs()
        for record in records {
            let identity = try JSONDecoder().decode(RunConfiguration.self, from: Data(record.configuration.utf8)).identity
            #expect(identity.splitSeed == identity.seed)
        }
        // The same last-layer run on two draws: different tune images, so different results.
        let last = records.filter { $0.method == "last" && $0.learningRate == 0.1 && $0.shift == "fmnist-flip" }
        #expect(last.count == 2 && last[0].testLoss != last[1].testLoss)
        var again = SweepRunner(plan: try plan("1", seeds: [1]), database: try ResultsDatabase(path: db))
        let outcome = try again.run()
        #expect(outcome.ran == 0 && outcome.skipped == 14)
    }

    @Test func hostileValuesAreRefusedByFieldAndLine() throws {
        for (value, expected) in [("per-sed", "split_seed: line 15, column 13: expected an integer ≥ 0 or per-seed, found 'per-sed'"),
                                  ("-1", "expected an integer ≥ 0 or per-seed, found '-1'"),
                                  ("\"3\"", "expected an integer ≥ 0 or per-seed, found '3'"),
                                  ("2.5", "found '2.5'"), ("[0, 1]", "found a list"),
                                  ("99999999999999999999", "expected an integer ≥ 0 or per-seed")] {
            let message = errors(SweepFixtures.spec(dir, methods: "[all]", extra: "split_seed: \(value)"))
            #expect(message.contains(expected), "split_seed: \(value) → \(message)")
        }
        let adaptation = errors(SweepFixtures.adaptationSpec(dir, extra: "split_seed: per-seed"))
        #expect(adaptation.contains("split_seed: per-seed applies to fine-tuning runs only"), "\(adaptation)")
        #expect(errors(SweepFixtures.adaptationSpec(dir, extra: "split_seed: 4")).isEmpty)
    }
}
