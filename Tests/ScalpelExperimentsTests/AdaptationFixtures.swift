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

    /// An outcome on 6 images of class 0: `predictions` given, a curve point every 2 images;
    /// without adaptation 3 of 6 right (0, 1, 0, 1, 0, 1), with the prior alone 4 of 6 (0, 0, 0, 1, 0, 1).
    static func outcome(_ predictions: [Int] = [0, 1, 0, 0, 2, 0]) -> AdaptationOutcome {
        let labels = Array(repeating: 0, count: predictions.count)
        let baselines = AdaptationBaselines(noAdaptation: 0.5, priorOnly: 4.0 / 6.0, noAdaptationPredictions: [0, 1, 0, 1, 0, 1],
                                            priorOnlyPredictions: [0, 0, 0, 1, 0, 1])
        let result = AdaptationResult(predictions: predictions, labels: labels, every: 2, meanLoss: 1.5, seconds: 3)
        return AdaptationOutcome(baselines: baselines, result: result, trainableTensors: 4, trainableParameters: 1234,
                                 baselineCurve: baselines.curve(at: result.curve.map(\.seen), labels: labels))
    }

    /// A finished record and its curve rows, started at a whole second (dates round-trip to ms).
    static func record(_ planned: PlannedAdaptation, _ outcome: AdaptationOutcome = outcome(),
                       at second: Double = 1_000_000) -> (AdaptationRunRecord, [AdaptationCurveRow]) {
        var r = AdaptationRunRecord(planned: planned, outcome: outcome, startedAt: Date(timeIntervalSince1970: second),
                                    toolCommit: "abc")
        r.finishedAt = Date(timeIntervalSince1970: second + 5)
        return (r, AdaptationCurveRow.rows(runKey: planned.key, outcome: outcome))
    }

    /// A temporary database path.
    static func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-\(name)-\(UUID().uuidString).sqlite").path
    }
}
