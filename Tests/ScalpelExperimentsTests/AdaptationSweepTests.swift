import Foundation
import Testing
import ScalpelAdaptation
@testable import ScalpelExperiments

/// A sweep's `adaptation:` section: validated with the rest of the spec, planned into keyed
/// runs, run resumably, sharded and merged.
@Suite struct AdaptationSweepTests {
    let dir: String

    init() throws {
        dir = SweepFixtures.tempDir("adaptation")
        try SweepFixtures.prepare(dir, testPerClass: 112)
    }

    func refusal(_ yaml: String) throws -> SpecErrors? {
        do {
            _ = try ExperimentSpec(yaml: yaml).plan()
            return nil
        } catch let e as SpecErrors {
            return e
        }
    }

    @Test func theSectionPlansOneRunPerModeSelectionRateAndSeed() throws {
        let plan = try ExperimentSpec(yaml: SweepFixtures.adaptationSpec(dir)).plan()
        #expect(plan.runs.isEmpty && plan.sessions.isEmpty, "an adaptation-only spec has no fine-tuning runs")
        #expect(plan.adaptations.count == 1)
        // 2 modes × 2 selections × 1 learning rate × 2 seeds.
        let runs = plan.adaptationRuns
        #expect(runs.count == 8)
        #expect(Set(runs.map(\.key)).count == 8)
        #expect(Set(runs.map(\.identity.cellKey)).count == 4)
        let s = try #require(runs.first?.identity.settings)
        // No optimizer given: episodic MEMO's default, AdamW with weight decay 0.01, at the spec's rate.
        #expect(s == .memo(mode: .episodic, selection: "all",
                           optimizer: AdaptationOptimizer(kind: .adamw, learningRate: 1e-3, weightDecay: 0.01), augmentations: 2))
        #expect(runs.allSatisfy { $0.identity.testSize == 8 && $0.configuration.every == 4 && $0.identity.shift == "fmnist-c:gaussian_noise:3" })
        // Shards split adaptation runs by key too.
        let halves = (0..<2).map { plan.restricted(to: Shard(index: $0, count: 2)).adaptationRuns.map(\.key) }
        #expect(Set(halves[0]).isDisjoint(with: halves[1]) && halves[0].count + halves[1].count == 8)
    }

    @Test func fineTuningAndAdaptationShareASpec() throws {
        let yaml = SweepFixtures.spec(dir, seeds: [0]) + """

            adaptation:
              - {method: memo, selections: [last], augmentations: 2, test_size: 8}
            """
        let plan = try ExperimentSpec(yaml: yaml).plan()
        #expect(plan.runs.count == 2 * 7)
        // Both shifts of the spec, seed 0, default mode episodic.
        #expect(plan.adaptationRuns.count == 2)
        #expect(plan.adaptationRuns.allSatisfy { $0.identity.settings.mode == .episodic && $0.configuration.every == 1 })
    }

    @Test func everyBadFieldIsNamed() throws {
        let bad = SweepFixtures.adaptationSpec(dir, modes: "[online, sometimes]", selections: "[all, block7]", extra: """
              - {method: tent, modes: [episodic], augmentations: 4}
              - {method: memo, prior: -3, batch_size: 8, optimizer: adagrad, augmix_severity: 11}
              - {method: dream}
            """)
        let e = try #require(try refusal(bad))
        #expect(e.names("adaptation[0].modes[1]"))
        #expect(e.names("adaptation[0].selections[1]"))
        #expect(e.description.contains("block7"))
        #expect(e.names("adaptation[1].modes[0]"), "TENT is online only")
        #expect(e.names("adaptation[1].augmentations"), "augmentations are MEMO's")
        #expect(e.names("adaptation[1].selections[0]"), "mlp2 has no BatchNorm for TENT to train")
        #expect(e.names("adaptation[2].prior"))
        #expect(e.names("adaptation[2].batch_size"))
        #expect(e.names("adaptation[2].optimizer"))
        #expect(e.names("adaptation[2].augmix_severity"))
        #expect(e.names("adaptation[3].method"))
        #expect(e.description.contains("unknown method 'dream'; expected memo or tent"))
    }

    @Test func priorCountsIsPartOfTheRunAndChecked() throws {
        // `each` plans the keys the runs had before the setting existed; `one` (the default) others.
        let each = try ExperimentSpec(yaml: SweepFixtures.adaptationSpec(dir).replacingOccurrences(
            of: "test_size: 8", with: "test_size: 8\n    prior_counts: each")).plan().adaptationRuns
        let one = try ExperimentSpec(yaml: SweepFixtures.adaptationSpec(dir)).plan().adaptationRuns
        #expect(each.allSatisfy { $0.identity.settings.priorCounts == .eachAugmentation })
        #expect(one.allSatisfy { $0.identity.settings.priorCounts == .augmentedBatchAsOneImage })
        #expect(Set(each.map(\.key)).isDisjoint(with: one.map(\.key)))
        #expect(each.allSatisfy { !$0.configuration.json.contains("priorCounts") })
        let bad = try #require(try refusal(SweepFixtures.adaptationSpec(dir, extra: """
              - {method: memo, selections: [last], prior_counts: some, augmentations: 2, test_size: 8}
              - {method: memo, selections: [last], prior: inf, prior_counts: one, augmentations: 2, test_size: 8}
              - {method: tent, prior_counts: each, test_size: 8}
            """)))
        #expect(bad.description.contains("unknown value 'some'; expected one or each"))
        #expect(bad.names("adaptation[1].prior_counts"))
        #expect(bad.names("adaptation[2].prior_counts"))
        #expect(bad.names("adaptation[3].prior_counts"))
    }

    @Test func mistypedAndRepeatedGroupsAreNamed() throws {
        let mistyped = try #require(try refusal(SweepFixtures.adaptationSpec(dir).replacingOccurrences(
            of: "test_size: 8", with: "test_size: many")))
        #expect(mistyped.names("adaptation[0].test_size"))
        let repeated = try #require(try refusal(SweepFixtures.adaptationSpec(dir, extra: """
              - {method: memo, modes: [online], selections: [last], augmentations: 2, learning_rates: [1e-3], test_size: 8}
            """)))
        #expect(repeated.names("adaptation[1]"))
        #expect(repeated.description.contains("repeats runs of adaptation[0]"))
        let empty = try #require(try refusal("""
            checkpoints: [\(dir)/mlp2.safetensors]
            shifts: [fmnist-flip]
            """))
        #expect(empty.names("methods"))
    }

    @Test func aSweepRecordsEveryRunOnceAndResumes() throws {
        let plan = try ExperimentSpec(yaml: SweepFixtures.adaptationSpec(dir)).plan()
        let db = try ResultsDatabase(path: dir + "/tta.sqlite")
        let first = try SweepRunner(plan: plan, database: db).run()
        #expect(first.ran == 8 && first.failed == 0 && first.skipped == 0)
        let runs = try db.adaptationRuns()
        #expect(runs.map(\.key) == plan.adaptationRuns.map(\.key).sorted())
        #expect(runs.allSatisfy { $0.status == .done && $0.testImages == 8 }, "\(runs.compactMap(\.message))")
        // Curves: 4 and 8 images, for every run.
        #expect(try db.adaptationCurves().values.allSatisfy { $0.map(\.seen) == [4, 8] })
        // Runs on the same test set share the baselines.
        #expect(Set(runs.compactMap(\.noAdaptationAccuracy)).count == 1)
        // The checkpoint's layout is recorded for the report.
        #expect(try db.models().values.map(\.architecture) == ["mlp2"])

        let second = try SweepRunner(plan: plan, database: db).run()
        #expect(second.ran == 0 && second.skipped == 8, "a finished sweep has nothing left to do")
        #expect(try db.adaptationRuns() == runs)

        // Shards run apart and merged hold the same runs.
        let merged = try ResultsDatabase(path: dir + "/merged.sqlite")
        for i in 0..<2 {
            let shard = try ResultsDatabase(path: dir + "/shard\(i).sqlite")
            try SweepRunner(plan: plan.restricted(to: Shard(index: i, count: 2)), database: shard).run()
            try merged.merge(from: shard.path)
        }
        func essence(_ db: ResultsDatabase) throws -> [[String]] {
            try db.adaptationRuns().map { [$0.key, $0.configuration, $0.predictions ?? "", "\($0.adaptedAccuracy ?? -1)"] }
        }
        #expect(try essence(merged) == essence(db), "runs are deterministic, so shards reproduce them")
    }
}
