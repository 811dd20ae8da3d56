import Foundation
import ScalpelExperiments

extension ReportData {
    /// Every run, one line each, with its configuration's columns and outcome.
    public var runsCSV: String {
        CSV.document(header: ["key", "experiment", "architecture", "checkpoint", "shift", "method", "target_size", "learning_rate",
                              "hyperparameter", "seed", "status", "best_epoch", "best_validation_accuracy", "test_accuracy",
                              "worst_group_accuracy", "trainable_parameters", "seconds", "tool_commit", "message"],
                     rows: runs.map { r in
                         [r.key, r.experiment, r.architecture, r.checkpoint, r.shift, r.method, "\(r.targetSize)",
                          "\(Float(r.learningRate))", r.hyperparameter.map { "\($0)" } ?? "", "\(r.seed)", r.status.rawValue,
                          r.bestEpoch.map(String.init) ?? "", r.bestValidationAccuracy.map { "\($0)" } ?? "",
                          r.testAccuracy.map { "\($0)" } ?? "", r.worstGroupAccuracy.map { "\($0)" } ?? "",
                          r.trainableParameters.map(String.init) ?? "", String(format: "%.3f", r.seconds), r.toolCommit,
                          r.message ?? ""]
                     })
    }

    /// One line per cell: the protocol's summary over seeds and the chosen grid point of each seed.
    public var cellsCSV: String {
        CSV.document(header: ["architecture", "checkpoint_sha256", "shift", "target_size", "method", "seeds", "test_mean",
                              "test_standard_error", "worst_group_mean", "worst_group_standard_error", "chosen_points",
                              "runs", "diverged", "failed"],
                     rows: cells.keys.sorted().map { k in
                         let c = cells[k]!
                         let chosen = c.seeds.compactMap { s in c.chosen[s].map {
                             "seed \(s): lr=\(Float($0.record.learningRate))" + ($0.record.hyperparameter.map { " h=\($0)" } ?? "")
                                 + " epoch \($0.result.bestEpoch ?? 0)" } }.joined(separator: "; ")
                         return [k.architecture, k.checkpointSHA256, k.shift, "\(k.targetSize)", k.method, "\(c.seeds.count)",
                                 c.testAccuracy.map { "\($0.mean)" } ?? "", c.testAccuracy.map { "\($0.standardError)" } ?? "",
                                 c.worstGroupAccuracy.map { "\($0.mean)" } ?? "",
                                 c.worstGroupAccuracy.map { "\($0.standardError)" } ?? "", chosen, "\(c.runs.count)",
                                 "\(c.divergedRuns)", "\(c.failedRuns)"]
                     })
    }

    /// Per-epoch per-tensor weights of every run that recorded them (Auto-RGN, Auto-SNR).
    public var tensorWeightsCSV: String {
        let byKey = Dictionary(uniqueKeysWithValues: runs.map { ($0.key, $0) })
        var rows: [[String]] = []
        for (key, epochs) in epochs.sorted(by: { $0.key < $1.key }) {
            guard let r = byKey[key] else { continue }
            let blocks = Dictionary(models[r.checkpointSHA256]?.decodedParameters.map { ($0.name, $0.block) } ?? [],
                                    uniquingKeysWith: { a, _ in a })
            for e in epochs {
                for (tensor, w) in (e.weights ?? [:]).sorted(by: { $0.key < $1.key }) {
                    rows.append([key, r.shift, r.method, "\(r.targetSize)", "\(Float(r.learningRate))", "\(r.seed)", "\(e.epoch)",
                                 tensor, blocks[tensor] ?? "", "\(w)"])
                }
            }
        }
        return CSV.document(header: ["run_key", "shift", "method", "target_size", "learning_rate", "seed", "epoch", "tensor",
                                     "block", "weight"], rows: rows)
    }
}
