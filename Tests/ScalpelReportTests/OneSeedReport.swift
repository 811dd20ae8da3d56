import Foundation
@testable import ScalpelExperiments
@testable import ScalpelReport
@testable import ScalpelTuning

/// A report from one done run per (shift, method): one seed, lr 1e-3, the given test accuracy and
/// wall seconds; runs recorded in shift then method order, one second apart.
enum OneSeedReport {
    static func data(_ cells: [String: [String: (test: Double, seconds: Double)]]) -> ReportData {
        var records: [RunRecord] = []
        var clock = Date(timeIntervalSince1970: 2_000_000)
        for (shift, byMethod) in cells.sorted(by: { $0.key < $1.key }) {
            for (method, cell) in byMethod.sorted(by: { $0.key < $1.key }) {
                clock += 1
                let identity = RunIdentity(checkpointSHA256: "c0ffee", architecture: "resnet26", shift: shift,
                                           method: method, targetSize: 10, validationPerClass: 10, testPerClass: nil,
                                           splitsByGroup: false, splitSeed: 0, learningRate: 1e-3, hyperparameter: nil,
                                           seed: 0, options: TrainingOptions(epochs: 1))
                let planned = PlannedRun(configuration: RunConfiguration(identity: identity, experiment: "one-seed",
                                                                         checkpointPath: "ck.safetensors",
                                                                         shiftLabel: shift, hyperparameterName: nil),
                                         key: identity.key, method: try! MethodSpec(parsing: method))
                let result = RunResult(learningRate: 1e-3, seed: 0, hyperparameter: nil, status: .done, epochs: [],
                                       bestEpoch: 1, bestValidationAccuracy: 0.5,
                                       test: Metrics(accuracy: cell.test, loss: 1), seconds: cell.seconds)
                records.append(RunRecord(planned: planned, result: result, trainableParameters: 10, startedAt: clock,
                                         toolCommit: "abc"))
            }
        }
        return ReportData(runs: records)
    }

    /// The same with every run taking one second.
    static func data(_ accuracies: [String: [String: Double]]) -> ReportData {
        data(accuracies.mapValues { $0.mapValues { (test: $0, seconds: 1) } })
    }
}
