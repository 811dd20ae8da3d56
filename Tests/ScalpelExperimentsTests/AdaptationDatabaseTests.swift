import Foundation
import GRDB
import Testing
import ScalpelAdaptation
@testable import ScalpelExperiments

/// Adaptation runs in the results database: round trip, one row per identity, the migration
/// of an older database, merges.
@Suite struct AdaptationDatabaseTests {
    @Test func aRunAndItsCurveRoundTrip() throws {
        let db = try ResultsDatabase(path: AdaptationFixtures.path("adapt-roundtrip"))
        let planned = AdaptationFixtures.planned()
        let (record, curve) = AdaptationFixtures.record(planned)
        #expect(try db.record(record, curve: curve) == false, "a new identity replaces nothing")

        let runs = try db.adaptationRuns()
        #expect(runs == [record])
        let r = try #require(runs.first)
        // Predictions [0, 1, 0, 0, 2, 0] against labels 0: 4 of 6 right.
        #expect(r.adaptedAccuracy == 4.0 / 6.0)
        #expect(r.noAdaptationAccuracy == 0.5 && r.priorOnlyAccuracy == 4.0 / 6.0)
        #expect(r.decodedPredictions == [0, 1, 0, 0, 2, 0])
        #expect(r.method == "memo" && r.mode == "online" && r.selection == "all" && r.prior == 16 && r.batchSize == nil)
        #expect(r.learningRate == 2e-6, "the learning rate as written, not Float's widening 1.9999999e-06")
        #expect(r.decodedConfiguration?.identity == planned.identity)
        // Curve: after 2 images 1/2, after 4 images 3/4, after 6 images 4/6.
        let points = try #require(db.adaptationCurves()[planned.key])
        #expect(points.map(\.seen) == [2, 4, 6])
        #expect(points.map(\.cumulativeAccuracy) == [0.5, 0.75, 4.0 / 6.0])
        #expect(points.map(\.windowAccuracy) == [0.5, 1.0, 0.5])
        // The baselines on the same first images: no adaptation 1/2, 2/4, 3/6; prior alone 2/2, 3/4, 4/6.
        #expect(points.map(\.noAdaptationAccuracy) == [0.5, 0.5, 0.5])
        #expect(points.map(\.priorOnlyAccuracy) == [1.0, 0.75, 4.0 / 6.0])
        #expect(try db.finishedAdaptationKeys() == [planned.key])
    }

    @Test func recordingTheSameIdentityAgainReplacesItWithoutDuplicates() throws {
        let db = try ResultsDatabase(path: AdaptationFixtures.path("adapt-rerun"))
        let planned = AdaptationFixtures.planned()
        let (first, curve) = AdaptationFixtures.record(planned)
        try db.record(first, curve: curve)
        // Again, with another outcome and a finer curve: still one run, the latest, with only its curve.
        let outcome = AdaptationFixtures.outcome([0, 0, 0, 0, 0, 0])
        var (second, _) = AdaptationFixtures.record(planned, outcome, at: 2_000_000)
        second.every = 1
        let finer = (1...6).map { AdaptationCurveRow(runKey: planned.key, seen: $0, cumulativeAccuracy: 1, windowAccuracy: 1) }
        #expect(try db.record(second, curve: finer) == true)
        #expect(try db.adaptationRuns() == [second])
        #expect(try db.adaptationCurves()[planned.key]?.map(\.seen) == [1, 2, 3, 4, 5, 6])
        // Another seed is another run.
        let (other, otherCurve) = AdaptationFixtures.record(AdaptationFixtures.planned(seed: 1))
        #expect(try db.record(other, curve: otherCurve) == false)
        #expect(try db.adaptationRuns().count == 2)
    }

    @Test func failedRunsAreNotFinished() throws {
        let db = try ResultsDatabase(path: AdaptationFixtures.path("adapt-failed"))
        let planned = AdaptationFixtures.planned()
        try db.record(AdaptationRunRecord(planned: planned, failure: "out of memory", seconds: 1, startedAt: Date(), toolCommit: "abc"),
                      curve: [])
        #expect(try db.finishedAdaptationKeys().isEmpty)
        #expect(try db.adaptationRuns().first?.message == "out of memory")
    }

    @Test func identitiesIgnoreTheCurveIntervalAndTheSettingsThatDoNotApply() {
        let a = AdaptationFixtures.planned(every: 2), b = AdaptationFixtures.planned(every: 50)
        #expect(a.key == b.key, "the curve interval is not part of what a run computes")
        #expect(AdaptationFixtures.planned(seed: 1).identity.cellKey == a.identity.cellKey)
        #expect(AdaptationFixtures.planned(seed: 1).key != a.key)
        #expect(AdaptationFixtures.planned(mode: .episodic).key != a.key)
        let tent = AdaptationSettings.tent(selection: "all", optimizer: .adamWDefault)
        #expect(tent.priorStrength == nil && tent.augmentations == nil && tent.mode == .online)
        #expect(AdaptationSettings.memo(mode: .online, selection: "all", optimizer: .sgdDefault, priorStrength: .infinity)
                == AdaptationSettings.memo(mode: .online, selection: "all", optimizer: .sgdDefault, priorStrength: nil))
    }

    /// A database written before the adaptation tables existed opens for reading as having no
    /// adaptation runs, and opened for writing gains the tables and keeps its runs.
    @Test func aDatabaseFromBeforeTheMigrationOpensAndGainsTheTables() throws {
        let path = AdaptationFixtures.path("adapt-v1")
        let queue = try DatabaseQueue(path: path)
        try ResultsSchema.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO models (checkpoint_sha256, architecture, checkpoint, parameters) VALUES ('c0ffee', 'mlp2', 'm', '[]')")
        }
        try queue.close()

        let reading = try ResultsDatabase(readingFrom: path)
        #expect(try reading.hasAdaptationTables() == false)
        #expect(try reading.adaptationRuns().isEmpty)
        #expect(try reading.finishedAdaptationKeys().isEmpty)

        let writing = try ResultsDatabase(path: path)
        #expect(try writing.hasAdaptationTables())
        #expect(try writing.models().keys.sorted() == ["c0ffee"])
        let (record, curve) = AdaptationFixtures.record(AdaptationFixtures.planned())
        try writing.record(record, curve: curve)
        #expect(try writing.adaptationRuns().count == 1)
    }

    @Test func mergeCarriesAdaptationRunsAndCurvesOnce() throws {
        let a = try ResultsDatabase(path: AdaptationFixtures.path("adapt-shard-a"))
        let b = try ResultsDatabase(path: AdaptationFixtures.path("adapt-shard-b"))
        let runs = (0..<3).map { AdaptationFixtures.planned(seed: UInt64($0)) }
        for p in runs[0...1] { let (r, c) = AdaptationFixtures.record(p); try a.record(r, curve: c) }
        // b: seed 1 failed (a has it done), seed 2 done.
        try b.record(AdaptationRunRecord(planned: runs[1], failure: "killed", seconds: 1, startedAt: Date(), toolCommit: "abc"), curve: [])
        let (r2, c2) = AdaptationFixtures.record(runs[2])
        try b.record(r2, curve: c2)

        let merged = try ResultsDatabase(path: AdaptationFixtures.path("adapt-merged"))
        let fromB = try merged.merge(from: b.path)
        #expect(fromB.adaptationAdded == 2)
        let fromA = try merged.merge(from: a.path)
        #expect(fromA.adaptationAdded == 1 && fromA.adaptationReplacedFailures == 1 && fromA.adaptationAlreadyPresent == 0)
        #expect(fromA.added == 0, "no fine-tuning runs")
        let again = try merged.merge(from: a.path)
        #expect(again.adaptationAlreadyPresent == 2 && again.adaptationAdded == 0, "merging twice changes nothing")

        #expect(try merged.adaptationRuns().map(\.key) == runs.map(\.key).sorted())
        #expect(try merged.adaptationRuns().allSatisfy { $0.status == .done })
        #expect(try merged.adaptationCurves().mapValues { $0.map(\.seen) } == Dictionary(uniqueKeysWithValues: runs.map { ($0.key, [2, 4, 6]) }))
    }
}
