import Foundation
import ScalpelAdaptation
import ScalpelExperiments

/// Hand-made adaptation runs on one test set of 100 images (class 0), curve points every 50:
///
/// | configuration | seed: adapted (cumulative at 50 / 100) |
/// |---|---|
/// | memo episodic all, adamw | 0: 0.62, 1: 0.64, 2: 0.66 (episodic: curves not drawn) |
/// | memo online all, sgd | 0: 0.50 / 0.40, 1: 0.54 / 0.44 |
/// | memo online stem, sgd | 0: 0.56 / 0.58; seed 1 failed |
/// | tent online all | 0: 0.78 / 0.80 |
///
/// Every run: no adaptation 0.50 (cumulative 0.40 after 50 images); MEMO's prior alone 0.60
/// (0.56 after 50; TENT has none).
enum AdaptationReportFixture {
    static let episodic = AdaptationOptimizer(kind: .adamw, learningRate: 1e-4, weightDecay: 0.01)
    static let online = AdaptationOptimizer(kind: .sgd, learningRate: 2e-6)

    /// 100 predictions against labels 0, with `hits.0` right among the first 50 and `hits.1` among the next 50.
    static func predictions(_ hits: (Int, Int)) -> [Int] {
        (0..<50).map { $0 < hits.0 ? 0 : 1 } + (0..<50).map { $0 < hits.1 ? 0 : 1 }
    }

    static func records() -> [(AdaptationRunRecord, [AdaptationCurveRow])] {
        var out: [(AdaptationRunRecord, [AdaptationCurveRow])] = []
        var clock = Date(timeIntervalSince1970: 2_000_000)
        func add(_ settings: AdaptationSettings, seed: UInt64, hits: (Int, Int)?) {
            clock += 10
            let identity = AdaptationIdentity(checkpointSHA256: "c0ffee", architecture: "resnet26", shift: "fmnist-c:gaussian_noise:5",
                                              splitSeed: 0, testSize: 100, settings: settings, seed: seed)
            let planned = PlannedAdaptation(AdaptationConfiguration(identity: identity, experiment: "fixture",
                                                                    checkpointPath: "ck.safetensors",
                                                                    shiftLabel: "fmnist-c:gaussian_noise:5", every: 50))
            guard let hits else {
                out.append((AdaptationRunRecord(planned: planned, failure: "killed", seconds: 1, startedAt: clock, toolCommit: "abc"), []))
                return
            }
            let labels = Array(repeating: 0, count: 100)
            let memo = settings.method == .memo
            let baselines = AdaptationBaselines(noAdaptation: 0.5, priorOnly: memo ? 0.6 : nil,
                                                noAdaptationPredictions: predictions((20, 30)),
                                                priorOnlyPredictions: memo ? predictions((28, 32)) : nil)
            let result = AdaptationResult(predictions: predictions(hits), labels: labels, every: 50, meanLoss: 2, seconds: 1)
            let outcome = AdaptationOutcome(baselines: baselines, result: result, trainableTensors: 2, trainableParameters: 100,
                                            baselineCurve: baselines.curve(at: [50, 100], labels: labels))
            out.append((AdaptationRunRecord(planned: planned, outcome: outcome, startedAt: clock, toolCommit: "abc"),
                        AdaptationCurveRow.rows(runKey: planned.key, outcome: outcome)))
        }
        for (seed, total) in [62, 64, 66].enumerated() {
            add(.memo(mode: .episodic, selection: "all", optimizer: episodic), seed: UInt64(seed), hits: (31, total - 31))
        }
        add(.memo(mode: .online, selection: "all", optimizer: online), seed: 0, hits: (25, 15))
        add(.memo(mode: .online, selection: "all", optimizer: online), seed: 1, hits: (27, 17))
        add(.memo(mode: .online, selection: "stem", optimizer: online), seed: 0, hits: (28, 30))
        add(.memo(mode: .online, selection: "stem", optimizer: online), seed: 1, hits: nil)
        add(.tent(selection: "all", optimizer: AdaptationOptimizer(kind: .adamw, learningRate: 1e-3, weightDecay: 0)), seed: 0,
            hits: (39, 41))
        return out
    }

    /// The fixture written to a database at `path` (with the fine-tuning fixture's runs when `withRuns`).
    static func database(at path: String, withRuns: Bool = false) throws -> ResultsDatabase {
        let db = withRuns ? try ReportFixture.database(at: path) : try ResultsDatabase(path: path)
        for (r, curve) in records() { try db.record(r, curve: curve) }
        return db
    }
}
