import Foundation
@testable import ScalpelTuning
@testable import ScalpelExperiments

/// A hand-made results database: 2 shifts × 3 methods × 3 seeds, each seed with a run chosen by
/// validation, a decoy with lower validation but higher test accuracy, and (once) a diverged run
/// with the highest validation accuracy, which must never be chosen.
enum ReportFixture {
    /// Test accuracy of the chosen run per shift, method and seed.
    static let chosen: [String: [String: [Double]]] = [
        "shiftA": ["all": [0.80, 0.82, 0.84], "last": [0.70, 0.70, 0.76], "surgical:block1": [0.90, 0.86, 0.88]],
        "shiftB": ["all": [0.60, 0.60, 0.60], "last": [0.65, 0.67, 0.69], "surgical:block1": [0.60, 0.60, 0.60]],
    ]
    static let methods = ["all", "last", "surgical:block1"]

    static func records() -> [RunRecord] {
        var out: [RunRecord] = []
        var clock = Date(timeIntervalSince1970: 1_000_000)
        func add(_ shift: String, _ method: String, seed: UInt64, lr: Float, validation: Double, test: Double,
                 status: RunStatus = .done) {
            clock += 1
            let identity = RunIdentity(checkpointSHA256: "c0ffee", architecture: "resnet26", shift: shift, method: method,
                                       targetSize: 10, validationPerClass: 10, testPerClass: nil, splitsByGroup: false,
                                       splitSeed: 0, learningRate: lr, hyperparameter: nil, seed: seed,
                                       options: TrainingOptions(epochs: 1))
            let planned = PlannedRun(configuration: RunConfiguration(identity: identity, experiment: "fixture",
                                                                     checkpointPath: "ck.safetensors", shiftLabel: shift,
                                                                     hyperparameterName: nil),
                                     key: identity.key, method: try! MethodSpec(parsing: method))
            let epoch = EpochRecord(epoch: 1, trainLoss: 0.5, validationAccuracy: validation, trainableParameters: 10,
                                    seconds: 1, tensorWeights: nil)
            let result = RunResult(learningRate: lr, seed: seed, hyperparameter: nil, status: status, epochs: [epoch],
                                   bestEpoch: 1, bestValidationAccuracy: validation,
                                   test: Metrics(accuracy: test, loss: 1), seconds: 1)
            out.append(RunRecord(planned: planned, result: result, trainableParameters: 10, startedAt: clock, toolCommit: "abc"))
        }
        for shift in ["shiftA", "shiftB"] {
            for method in methods {
                for (seed, test) in chosen[shift]![method]!.enumerated() {
                    add(shift, method, seed: UInt64(seed), lr: 1e-3, validation: 0.70, test: test)
                    add(shift, method, seed: UInt64(seed), lr: 1e-4, validation: 0.60, test: 0.99)
                    if shift == "shiftA" && method == "all" && seed == 0 {
                        add(shift, method, seed: 0, lr: 1e-1, validation: 0.95, test: 0.10, status: .diverged)
                    }
                }
            }
        }
        return out
    }

    /// The fixture written to a database at `path`.
    static func database(at path: String) throws -> ResultsDatabase {
        let db = try ResultsDatabase(path: path)
        for r in records() { try db.record(r, epochs: []) }
        return db
    }
}
