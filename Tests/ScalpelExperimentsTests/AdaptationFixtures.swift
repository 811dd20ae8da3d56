import Foundation
import ScalpelAdaptation
@testable import ScalpelExperiments

/// Hand-made adaptation runs for database tests: identities, outcomes with known predictions.
enum AdaptationFixtures {
    /// A planned MEMO run on a made-up checkpoint.
    static func planned(selection: String = "all", mode: AdaptationMode = .online, lr: Float = 2e-6, seed: UInt64 = 0,
                        testSize: Int = 6, every: Int = 2) -> PlannedAdaptation {
        let settings = AdaptationSettings.memo(mode: mode, selection: selection,
                                               optimizer: AdaptationOptimizer(kind: .sgd, learningRate: lr))
        let identity = AdaptationIdentity(checkpointSHA256: "c0ffee", architecture: "resnet26", shift: "fmnist-c:gaussian_noise:5",
                                          splitSeed: 0, testSize: testSize, settings: settings, seed: seed)
        return PlannedAdaptation(AdaptationConfiguration(identity: identity, experiment: "fixture", checkpointPath: "ck.safetensors",
                                                         shiftLabel: "fmnist-c:gaussian_noise:5", every: every))
    }

    /// An outcome on 6 images of class 0: `predictions` given, a curve point every 2 images.
    static func outcome(_ predictions: [Int] = [0, 1, 0, 0, 2, 0], noAdaptation: Double = 0.5,
                        priorOnly: Double? = 0.6) -> AdaptationOutcome {
        AdaptationOutcome(baselines: AdaptationBaselines(noAdaptation: noAdaptation, priorOnly: priorOnly),
                          result: AdaptationResult(predictions: predictions, labels: Array(repeating: 0, count: predictions.count),
                                                   every: 2, meanLoss: 1.5, seconds: 3),
                          trainableTensors: 4, trainableParameters: 1234)
    }

    /// A finished record and its curve rows, started at a whole second (dates round-trip to ms).
    static func record(_ planned: PlannedAdaptation, _ outcome: AdaptationOutcome = outcome(),
                       at second: Double = 1_000_000) -> (AdaptationRunRecord, [AdaptationCurveRow]) {
        var r = AdaptationRunRecord(planned: planned, outcome: outcome, startedAt: Date(timeIntervalSince1970: second),
                                    toolCommit: "abc")
        r.finishedAt = Date(timeIntervalSince1970: second + 5)
        return (r, AdaptationCurveRow.rows(runKey: planned.key, result: outcome.result))
    }

    /// A temporary database path.
    static func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-\(name)-\(UUID().uuidString).sqlite").path
    }
}
