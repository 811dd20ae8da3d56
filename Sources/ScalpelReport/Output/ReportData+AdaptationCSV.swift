import Foundation
import ScalpelExperiments

extension ReportData {
    /// Every adaptation run, one line each: its configuration's columns and its accuracies.
    public var adaptationRunsCSV: String {
        func number(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        func integer(_ v: Int?) -> String { v.map(String.init) ?? "" }
        return CSV.document(
            header: ["key", "experiment", "architecture", "checkpoint", "shift", "method", "mode", "selection", "optimizer",
                     "learning_rate", "weight_decay", "momentum", "augmentations", "steps", "augmix_severity", "prior",
                     "batch_size", "split_seed", "test_size", "test_images", "seed", "status", "no_adaptation_accuracy",
                     "prior_only_accuracy", "adapted_accuracy", "mean_loss", "trainable_tensors", "trainable_parameters",
                     "seconds", "tool_commit", "message"],
            rows: adaptationRuns.map { r in
                [r.key, r.experiment, r.architecture, r.checkpoint, r.shift, r.method, r.mode, r.selection, r.optimizer,
                 "\(Float(r.learningRate))", "\(Float(r.weightDecay))", "\(Float(r.momentum))", integer(r.augmentations),
                 integer(r.steps), integer(r.augmixSeverity), r.prior.map { "\(Float($0))" } ?? (r.method == "memo" ? "inf" : ""),
                 integer(r.batchSize), "\(r.splitSeed)", "\(r.testSize)", integer(r.testImages), "\(r.seed)", r.status.rawValue,
                 number(r.noAdaptationAccuracy), number(r.priorOnlyAccuracy), number(r.adaptedAccuracy), number(r.meanLoss),
                 integer(r.trainableTensors), integer(r.trainableParameters), String(format: "%.3f", r.seconds), r.toolCommit,
                 r.message ?? ""]
            })
    }

    /// Every point of every adaptation run's curve: cumulative accuracy after `seen` test images.
    public var adaptationCurvesCSV: String {
        let byKey = Dictionary(adaptationRuns.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [[String]] = []
        for (key, points) in adaptationCurves.sorted(by: { $0.key < $1.key }) {
            guard let r = byKey[key] else { continue }
            for p in points {
                rows.append([key, r.shift, r.method, r.mode, r.selection, "\(Float(r.learningRate))", "\(r.seed)", "\(p.seen)",
                             "\(p.cumulativeAccuracy)", "\(p.windowAccuracy)", p.noAdaptationAccuracy.map { "\($0)" } ?? "",
                             p.priorOnlyAccuracy.map { "\($0)" } ?? ""])
            }
        }
        return CSV.document(header: ["run_key", "shift", "method", "mode", "selection", "learning_rate", "seed", "seen",
                                     "cumulative_accuracy", "window_accuracy", "no_adaptation_accuracy", "prior_only_accuracy"],
                            rows: rows)
    }

    /// One line per adaptation configuration and test set: the summaries over seeds.
    public var adaptationCellsCSV: String {
        var rows: [[String]] = []
        for panel in adaptationPanels {
            for c in panel.cells {
                let s = c.settings
                rows.append([panel.architecture, panel.checkpointSHA256, panel.shift, "\(panel.testSize)", s.method.rawValue,
                             s.mode.rawValue, s.selection, s.summary, "\(c.seeds.count)", c.noAdaptation.map { "\($0.mean)" } ?? "",
                             c.priorOnly.map { "\($0.mean)" } ?? "", c.adapted.map { "\($0.mean)" } ?? "",
                             c.adapted.map { "\($0.standardError)" } ?? "", "\(c.failedRuns)"])
            }
        }
        return CSV.document(header: ["architecture", "checkpoint_sha256", "shift", "test_size", "method", "mode", "selection",
                                     "settings", "seeds", "no_adaptation_mean", "prior_only_mean", "adapted_mean",
                                     "adapted_standard_error", "failed"], rows: rows)
    }
}
