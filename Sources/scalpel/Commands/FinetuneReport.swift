import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// What `scalpel finetune` prints and writes.
struct FinetuneReport {
    let spec: MethodSpec
    let study: MethodStudy
    let options: TrainingOptions
    let data: ShiftData
    let pretrained: PretrainedModel
    /// Parameters of the model tuned: the checkpoint's, or with `--new-head` those of the model
    /// with its new head.
    let totalParameters: Int

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

    /// One line per finished run; with `elapsed` (seconds since the first run started), the time
    /// the remaining runs will take at the mean pace so far.
    func printRun(_ run: RunResult, done: Int, total: Int, elapsed: Double? = nil) {
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
        line += String(format: " (%.1f s", run.seconds)
        if let elapsed, let left = ProgressText.timeLeft(elapsed: elapsed, done: done, total: total) { line += "; about \(left) left" }
        print(line + ")")
    }

    func printSummary(_ result: StudyResult, noAdaptation: Metrics, seconds: Double) {
        print("")
        for line in summaryTable(result).lines { print(line) }
        let diverged = result.runs.filter { $0.status == .diverged }.count
        let seeds = result.testAccuracy?.count ?? 0
        print("test accuracy: \(summaryText(result.testAccuracy)) over \(counted(seeds, "seed")) (no adaptation \(percent(noAdaptation.accuracy)))")
        if hasGroups { print("worst-group accuracy: \(summaryText(result.worstGroupAccuracy))") }
        if let extra = result.alwaysTrained, !extra.isEmpty {
            print("trained in every run besides the method's selection: \(extra.joined(separator: ", "))")
        }
        print("trainable parameters: \(trainableText(result)); \(counted(result.runs.count, "run")), \(diverged) diverged; " +
              String(format: "wall time %.1f s", seconds))
        let pool = BufferPool.shared.statistics
        print(String(format: "tensor memory: peak %.0f MiB held by live tensors at once; %.0f MiB idle in the buffer pool now",
                     Double(pool.peakLiveBytes) / 1_048_576, Double(pool.idleBytes) / 1_048_576))
    }

    /// Per seed, the chosen run: learning rate, hyperparameter, epoch, accuracies, parameters trained, block.
    func summaryTable(_ result: StudyResult) -> ConsoleTable {
        var columns: [(String, ConsoleTable.Alignment)] = [("seed", .left), ("chosen lr", .right)]
        if let name = spec.hyperparameterName { columns.append((name, .right)) }
        columns += [("epoch", .right), ("validation", .right), ("test", .right)]
        if hasGroups { columns.append(("worst group", .right)) }
        columns.append(("trained", .right))
        if spec.choosesBlock { columns.append(("block", .left)) }
        var table = ConsoleTable(columns)
        for seed in result.seeds {
            guard let r = result.chosen(seed: seed) else { table.rows.append(["\(seed)", "every run diverged"]); continue }
            var row = ["\(seed)", String(format: "%g", Double(r.learningRate))]
            if spec.hyperparameterName != nil { row.append(r.hyperparameter.map { String(format: "%g", $0) } ?? "—") }
            row += ["\(r.bestEpoch ?? 0)", percent(r.bestValidationAccuracy ?? .nan), percent(r.test?.accuracy ?? .nan)]
            if hasGroups { row.append(percent(r.test?.worstGroupAccuracy ?? .nan)) }
            row.append(Self.trained(r).map(String.init) ?? "—")
            if spec.choosesBlock { row.append(r.selection ?? "?") }
            table.rows.append(row)
        }
        return table
    }

    /// Parameters the chosen model was trained with: the most any epoch up to the chosen one trained
    /// (Cross-Val: the chosen block's; gradual unfreezing: the blocks unfrozen by then; Auto-SNR:
    /// the tensors above the threshold). Nil for a run without epochs.
    static func trained(_ run: RunResult) -> Int? {
        let upTo = run.epochs.filter { $0.epoch <= (run.bestEpoch ?? Int.max) }
        return (upTo.isEmpty ? run.epochs : upTo).map(\.trainableParameters).max()
    }

    /// `70208 of 369402 (19.01%) in the chosen runs`, or a range when seeds trained different counts.
    func trainableText(_ result: StudyResult) -> String {
        let total = totalParameters
        func share(_ n: Int) -> String { String(format: "%.2f%%", 100 * Double(n) / Double(total)) }
        let counts = result.chosenRuns.compactMap(Self.trained)
        guard let low = counts.min(), let high = counts.max() else {
            return "\(result.trainableParameters) of \(total) (\(share(result.trainableParameters))) available to the method"
        }
        let chosen = low == high ? "\(low) of \(total) (\(share(low)))" : "\(low) to \(high) of \(total) (\(share(low)) to \(share(high)))"
        return chosen + " in the chosen " + (counts.count == 1 ? "run" : "runs")
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
            trainableParameters: result.trainableParameters, alwaysTrained: result.alwaysTrained ?? [],
            totalParameters: totalParameters, testAccuracy: result.testAccuracy, worstGroupAccuracy: result.worstGroupAccuracy,
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
    /// Parameters every run trained besides the method's selection (the `--new-head` layer).
    var alwaysTrained: [String]
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

/// `84.30 ± 0.40%` over several seeds; `84.30%` for one (no standard error to show).
func summaryText(_ s: Summary?) -> String {
    guard let s else { return "—" }
    return s.count > 1 ? String(format: "%.2f ± %.2f%%", 100 * s.mean, 100 * s.standardError) : String(format: "%.2f%%", 100 * s.mean)
}
