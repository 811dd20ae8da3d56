import Foundation
import Testing
@testable import ScalpelExperiments
@testable import ScalpelReport
@testable import ScalpelTuning

/// Block runs a sweep recorded only for Cross-Val (`componentOf`) are no rows of the study's
/// tables; the same method's runs planned by a study are, and Table 4's note says so.
@Suite struct ReportComponentRunsTests {
    func record(_ method: String, test: Double, component: Bool, clock: Double) -> RunRecord {
        let identity = RunIdentity(checkpointSHA256: "c0ffee", architecture: "resnet26", shift: "shiftA", method: method,
                                   targetSize: 10, validationPerClass: 10, testPerClass: nil, splitsByGroup: false,
                                   splitSeed: 0, learningRate: 1e-3, hyperparameter: nil, seed: UInt64(clock),
                                   options: TrainingOptions(epochs: 1))
        let configuration = RunConfiguration(identity: identity, experiment: "methods", checkpointPath: "ck.safetensors",
                                             shiftLabel: "shiftA", hyperparameterName: nil,
                                             componentOf: component ? "cross-val" : nil)
        let planned = PlannedRun(configuration: configuration, key: identity.key, method: try! MethodSpec(parsing: method))
        let result = RunResult(learningRate: 1e-3, seed: identity.seed, hyperparameter: nil, status: .done, epochs: [],
                               bestEpoch: 1, bestValidationAccuracy: 0.5, test: Metrics(accuracy: test, loss: 1), seconds: 2)
        return RunRecord(planned: planned, result: result, trainableParameters: 10,
                         startedAt: Date(timeIntervalSince1970: clock), toolCommit: "abc")
    }

    @Test func componentRunsAreNotRowsButPlannedOnesAre() throws {
        let runs = [record("surgical:stem", test: 0.9, component: true, clock: 1), record("all", test: 0.8, component: false, clock: 2),
                    record("cross-val", test: 0.85, component: false, clock: 3),
                    record("surgical:last", test: 0.7, component: true, clock: 4),
                    record("surgical:last", test: 0.75, component: false, clock: 5)]
        #expect(runs.map(\.isComponent) == [true, false, false, true, false])
        #expect(runs[0].adopted().isComponent == false && runs[0].adopted().key == runs[0].key)
        let data = ReportData(runs: runs)
        #expect(data.methods == ["all", "cross-val", "surgical:last"])
        #expect(data.componentRuns == 1, "surgical:last has a row (with both its runs)")
        let table = data.methodsTable(architecture: "resnet26", targetSize: 10)
        #expect(table.rows.map(\.first!) == ["all", "cross-val", "surgical:last"])
        let note = try #require(table.note)
        #expect(note.contains("A cross-val run costs the sum of its block runs' recorded seconds"))
        #expect(note.contains("1 surgical block run recorded for cross-val is not shown as a row."))
        // Without cross-val the note is as before.
        let plain = ReportData(runs: [runs[1]]).methodsTable(architecture: "resnet26", targetSize: 10).note ?? ""
        #expect(!plain.contains("cross-val"))
    }
}
