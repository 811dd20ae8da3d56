import Foundation
import ScalpelData
import ScalpelNN
import ScalpelTuning

/// What `scalpel finetune` prints and writes.
struct FinetuneReport {
    let spec: MethodSpec
    let study: MethodStudy
    let options: TrainingOptions
    let data: ShiftData
    let pretrained: PretrainedModel

    var hasGroups: Bool { data.target.test.groups != nil }

    func printHeader(noAdaptation: Metrics, threads: Int) {
        let t = data.target
        print("finetune \(pretrained.configuration.architecture) from \(pretrained.path) on \(data.spec.description): " +
              "\(t.tune.count) tune / \(t.validation.count) validation / \(t.test.count) test images")
        let grid = study.learningRates.map { String(format: "%g", Double($0)) }.joined(separator: ",")
        var line = "method \(spec): lr \(grid)"
        if let name = spec.hyperparameterName {
            line += ", \(name) " + study.hyperparameters.map { String(format: "%g", $0) }.joined(separator: ",")
        }
        line += ", seeds \(study.seeds.map(String.init).joined(separator: ",")), \(options.epochs) epochs, batch " +
            "\(options.batchSize), \(options.optimizer.rawValue) wd \(options.weightDecay), bn \(options.batchNorm.rawValue), " +
            "\(threads) threads"
        print(line)
        print("no adaptation: test \(percent(noAdaptation.accuracy))" +
              (noAdaptation.worstGroupAccuracy.map { ", worst group \(percent($0))" } ?? ""))
    }

    func printRun(_ run: RunResult, done: Int, total: Int) {
        var line = String(format: "  [%d/%d] seed %llu lr %g", done, total, run.seed, Double(run.learningRate))
        if let h = run.hyperparameter, let name = spec.hyperparameterName { line += String(format: " %@ %g", name, h) }
        if spec.choosesBlock, let block = run.selection { line += " → \(block)" }
        switch run.status {
        case .diverged:
            line += ": DIVERGED" + (run.epochs.isEmpty ? " in epoch 1" : " after epoch \(run.epochs.count)")
        case .done:
            line += ": best validation \(percent(run.bestValidationAccuracy ?? .nan)) at epoch \(run.bestEpoch ?? 0)"
            line += ", test \(percent(run.test?.accuracy ?? .nan))"
        }
        print(line + String(format: " (%.1f s)", run.seconds))
    }

    func printSummary(_ result: StudyResult, noAdaptation: Metrics, seconds: Double) {
        print("")
        var header = "seed  chosen lr  " + (spec.hyperparameterName.map { String($0.prefix(9)).padding(toLength: 10, withPad: " ", startingAt: 0) } ?? "")
        header += "epoch  validation  test"
        if hasGroups { header += "     worst group" }
        if spec.choosesBlock { header += "  block" }
        print(header)
        for seed in result.seeds {
            guard let r = result.chosen(seed: seed) else { print(String(format: "%-4llu  every run diverged", seed)); continue }
            var line = String(format: "%-4llu  %-9g  ", seed, Double(r.learningRate))
            if spec.hyperparameterName != nil { line += String(format: "%-10g", r.hyperparameter ?? .nan) }
            line += String(format: "%5d  %10@  %@", r.bestEpoch ?? 0, percent(r.bestValidationAccuracy ?? .nan),
                           percent(r.test?.accuracy ?? .nan))
            if hasGroups { line += "   " + percent(r.test?.worstGroupAccuracy ?? .nan) }
            if spec.choosesBlock { line += "  " + (r.selection ?? "?") }
            print(line)
        }
        let diverged = result.runs.filter { $0.status == .diverged }.count
        let total = pretrained.model.parameterCount
        print(String(format: "test accuracy: %@ over %d seeds (no adaptation %@)",
                     summaryText(result.testAccuracy), result.testAccuracy?.count ?? 0, percent(noAdaptation.accuracy)))
        if hasGroups { print("worst-group accuracy: \(summaryText(result.worstGroupAccuracy))") }
        print(String(format: "trainable parameters: %d of %d (%.2f%%); %d runs, %d diverged; wall time %.1f s",
                     result.trainableParameters, total, 100 * Double(result.trainableParameters) / Double(total),
                     result.runs.count, diverged, seconds))
    }

    func writeJSON(_ result: StudyResult, noAdaptation: Metrics, blocksComputedOnce: [String], seconds: Double,
                   to path: String) throws {
        let document = FinetuneDocument(
            checkpoint: pretrained.path, architecture: pretrained.configuration.architecture,
            shift: data.spec.description, method: spec.description,
            splits: .init(tune: data.target.tune.count, validation: data.target.validation.count,
                          test: data.target.test.count),
            options: options, learningRates: study.learningRates, hyperparameterName: spec.hyperparameterName,
            hyperparameters: study.hyperparameters, seeds: study.seeds, noAdaptation: noAdaptation,
            trainableParameters: result.trainableParameters, totalParameters: pretrained.model.parameterCount,
            testAccuracy: result.testAccuracy, worstGroupAccuracy: result.worstGroupAccuracy,
            chosen: result.seeds.map { result.chosen(seed: $0) }, runs: result.runs,
            blocksComputedOnce: blocksComputedOnce, seconds: seconds)
        try writeJSONAtomically(document, to: path)
    }
}

/// The JSON `scalpel finetune --json` writes.
struct FinetuneDocument: Codable {
    struct Splits: Codable { var tune, validation, test: Int }
    var checkpoint: String
    var architecture: String
    var shift: String
    var method: String
    var splits: Splits
    var options: TrainingOptions
    var learningRates: [Float]
    var hyperparameterName: String?
    var hyperparameters: [Double]
    var seeds: [UInt64]
    var noAdaptation: Metrics
    var trainableParameters: Int
    var totalParameters: Int
    /// Mean and standard error over seeds of the chosen runs' test accuracy.
    var testAccuracy: Summary?
    var worstGroupAccuracy: Summary?
    /// Per seed (in `seeds` order), the run chosen by validation; null when every run diverged.
    var chosen: [RunResult?]
    /// Every run with its per-epoch curve (and per-tensor weights for Auto-RGN / Auto-SNR).
    var runs: [RunResult]
    /// Blocks that ran once per data set, their activations reused by every run (surgery-aware execution).
    var blocksComputedOnce: [String]
    var seconds: Double
}

func percent(_ x: Double) -> String { x.isNaN ? "—" : String(format: "%.2f%%", 100 * x) }

func summaryText(_ s: Summary?) -> String {
    guard let s else { return "—" }
    return String(format: "%.2f ± %.2f%%", 100 * s.mean, 100 * s.standardError)
}
