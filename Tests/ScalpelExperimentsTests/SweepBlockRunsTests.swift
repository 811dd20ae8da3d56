import Foundation
import Testing
@testable import ScalpelExperiments
import ScalpelTuning

/// In a sweep, Cross-Val's block runs are the `surgical:<block>` runs of the studies: found in
/// the database or a reuse database, or computed and recorded as such, so studies that share a
/// database (or reuse one) compute each block run once, and the composed Cross-Val result is
/// the one Cross-Val computes alone.
@Suite struct SweepBlockRunsTests {
    func spec(_ dir: String, _ name: String, methods: String, rates: String = "[1e-2, 1e-3, 1e-4]") -> String {
        SweepFixtures.study(dir, name, methods: methods, rates: rates)
    }

    @discardableResult
    func sweep(_ yaml: String, into db: String, reusing sources: [String] = [], sharing: Bool = true) throws -> SweepRunner.Outcome {
        var runner = SweepRunner(plan: try ExperimentSpec(yaml: yaml).plan(), database: try ResultsDatabase(path: db))
        runner.reuseSources = try sources.map { try ResultsDatabase(reusingFrom: $0, sweepDatabase: db) }
        runner.sharesBlockRuns = sharing
        return try runner.run()
    }

    func crossValRuns(_ db: String) throws -> [String: RunRecord] {
        Dictionary(uniqueKeysWithValues: try ResultsDatabase(readingFrom: db).runs().filter { $0.method == "cross-val" }.map { ($0.key, $0) })
    }

    @Test func crossValComposedFromAnotherStudysBlockRunsEqualsItsOwnRun() throws {
        let dir = SweepFixtures.tempDir("block-runs")
        try SweepFixtures.prepare(dir)
        let perBlock = dir + "/per-block.sqlite", methods = dir + "/methods.sqlite", alone = dir + "/alone.sqlite"
        // The per-block study: 2 shifts × 2 blocks × 3 rates = 12 surgical runs.
        #expect(try sweep(spec(dir, "per-block", methods: "[surgical:first, surgical:last]"), into: perBlock).ran == 12)
        // The methods study reuses them: its 6 cross-val runs compute no block.
        let m = try sweep(spec(dir, "methods", methods: "[all, cross-val]"), into: methods, reusing: [perBlock])
        #expect(m.ran == 12 && m.reused == 0 && m.blockRunsFound == 12 && m.blockRunsComputed == 0)
        // Cross-Val computing every block itself, as before.
        let r = try sweep(spec(dir, "methods", methods: "[cross-val]"), into: alone, sharing: false)
        #expect(r.ran == 6 && r.blockRunsFound == 0 && r.blockRunsComputed == 0)

        let composed = try crossValRuns(methods), reference = try crossValRuns(alone)
        #expect(composed.count == 6 && Set(composed.keys) == Set(reference.keys))
        let blocks = try ResultsDatabase(readingFrom: perBlock).runs()
        for (key, c) in composed {
            let ref = try #require(reference[key]), a = try #require(c.decodedResult()), b = try #require(ref.decodedResult())
            #expect(c.selection == ref.selection && c.bestEpoch == ref.bestEpoch)
            #expect(c.bestValidationAccuracy == ref.bestValidationAccuracy && c.testAccuracy == ref.testAccuracy)
            #expect(c.testLoss == ref.testLoss)
            #expect(a.candidateValidation == b.candidateValidation && a.candidateValidation?.count == 2)
            #expect(a.epochs.map(\.trainLoss) == b.epochs.map(\.trainLoss))
            // Its cost: the recorded seconds of its two block runs.
            let parts = blocks.filter { $0.shift == c.shift && $0.learningRate == c.learningRate && $0.seed == c.seed }
            #expect(parts.count == 2)
            let sum = parts.reduce(0) { $0 + $1.seconds }
            #expect(abs(c.seconds - sum) <= 1e-9 * max(sum, 1))
        }
    }

    @Test func aSecondStudySharingTheDatabaseComputesNoBlockTwice() throws {
        let dir = SweepFixtures.tempDir("block-runs-shared")
        try SweepFixtures.prepare(dir)
        let db = dir + "/shared.sqlite"
        // Study one: cross-val at two rates computes 2 shifts × 2 rates × 2 blocks = 8 block runs.
        let one = try sweep(spec(dir, "one", methods: "[cross-val]", rates: "[1e-2, 1e-3]"), into: db)
        #expect(one.ran == 4 && one.blockRunsComputed == 8 && one.blockRunsFound == 0)
        #expect(try ResultsDatabase(readingFrom: db).runs().filter(\.isComponent).count == 8, "marked as cross-val's")

        // Study two on the same database: surgical:first and cross-val at three rates. Its
        // surgical:first runs at the first two rates are study one's block runs (skipped, now its
        // own); at 1e-4 it computes surgical:first, then cross-val finds it and computes only `last`.
        let two = try sweep(spec(dir, "two", methods: "[surgical:first, cross-val]"), into: db)
        #expect(two.skipped == 8 && two.ran == 4 && two.blockRunsFound == 2 && two.blockRunsComputed == 2)
        let runs = try ResultsDatabase(readingFrom: db).runs()
        #expect(runs.filter { $0.method.hasPrefix("surgical:") }.count == 12, "each block run once: 2 shifts × 3 rates × 2 blocks")
        #expect(runs.filter(\.isComponent).allSatisfy { $0.method == "surgical:last" })
        #expect(runs.filter(\.isComponent).count == 6)

        // Nothing is left to do, and nothing is recomputed.
        let three = try sweep(spec(dir, "two", methods: "[surgical:first, cross-val]"), into: db)
        #expect(three.skipped == 12 && three.ran == 0 && three.blockRunsComputed == 0)
    }
}
