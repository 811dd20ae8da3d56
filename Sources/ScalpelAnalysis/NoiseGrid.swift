import Foundation
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// Settings of the parameter-noise experiment (Section 3.3, Figure 5 and Table 5).
public struct NoiseGridSettings: Codable, Sendable {
    /// Noise scale s relative to each tensor's standard deviation (see `ParameterNoise`).
    public var scale: Float
    /// Blocks that receive noise, one row each (the paper: Block 1-3 and the last layer).
    public var noisedBlocks: [String]
    /// Selections fine-tuned, one column each (the paper: each block, and all).
    public var tunedSelections: [String]
    /// Learning rates tried per cell; the cell keeps the one with the best validation accuracy.
    public var learningRates: [Float]
    public var options: TrainingOptions
    public var seed: UInt64

    public init(scale: Float, noisedBlocks: [String] = ["block1", "block2", "block3", "last"],
                tunedSelections: [String] = ["stem", "block1", "block2", "block3", "last", "all"],
                learningRates: [Float] = [1e-3], options: TrainingOptions = TrainingOptions(epochs: 3),
                seed: UInt64 = 0) {
        self.scale = scale
        self.noisedBlocks = noisedBlocks
        self.tunedSelections = tunedSelections
        self.learningRates = learningRates
        self.options = options
        self.seed = seed
    }
}

/// One fine-tuning of one selection, starting from one noised model.
public struct NoiseGridCell: Codable, Sendable {
    public var tuned: String
    public var learningRate: Float
    public var validationAccuracy: Double
    public var testAccuracy: Double
    public var seconds: Double
}

/// One noised block: the noised model's accuracy and each tuned selection's.
public struct NoiseGridRow: Codable, Sendable {
    public var noised: String
    /// Test accuracy of the noised model before any tuning.
    public var noisedAccuracy: Double
    public var cells: [NoiseGridCell]
    // Auto-RGN (ScalpelTuning's `MethodRunner` with `MethodSpec(parsing: "auto-rgn")`, being added
    // on main) belongs here as one more column, with its per-tensor weights accumulated over epochs
    // and summed per block (the paper's Figure 6). See `NoiseGridExperiment.run`, MARK: Auto-RGN.
}

/// The grid "noised block × tuned selection" of test accuracies.
public struct NoiseGrid: Codable, Sendable {
    public var settings: NoiseGridSettings
    /// Test accuracy of the un-noised model.
    public var cleanAccuracy: Double
    public var rows: [NoiseGridRow]
}

/// The parameter-noise experiment: for each noised block b, θ⁰_b = the clean model with noise
/// in b (`ParameterNoise`); for each selection S, fine-tune S from θ⁰_b on clean labeled target
/// data with `FineTuner` (plain `FixedSelection` loop, early stopping on validation) and report
/// test accuracy. The paper's claim (Figure 5): the best S is the noised block, better than all.
public struct NoiseGridExperiment {
    public let model: BlockModel
    public let data: RunData
    public let settings: NoiseGridSettings

    public init(model: BlockModel, data: RunData, settings: NoiseGridSettings) {
        precondition(data.startBlock == 0, "NoiseGridExperiment: data must be images (start block 0)")
        self.model = model
        self.data = data
        self.settings = settings
    }

    /// Runs every cell; `progress` receives each finished cell with its row's block.
    public func run(progress: ((String, NoiseGridCell) -> Void)? = nil) throws -> NoiseGrid {
        let clean = model.snapshot()
        defer { model.restore(clean) }
        let cleanAccuracy = evaluate(model, on: data.test).accuracy
        let selections = try settings.tunedSelections.map { ($0, try Selection(parsing: $0).parameterNames(in: model)) }
        var rows: [NoiseGridRow] = []
        for (row, block) in settings.noisedBlocks.enumerated() {
            model.restore(clean)
            try ParameterNoise.perturb(model, block: block, scale: settings.scale, seed: settings.seed &+ UInt64(row))
            let noised = model.snapshot()
            let tuner = FineTuner(model: model, base: noised, options: settings.options)
            var cells: [NoiseGridCell] = []
            for (name, selection) in selections {
                let runData = cachedPrefix(tuner: tuner, noised: noised, selection: selection)
                var best: NoiseGridCell? = nil
                for lr in settings.learningRates {
                    let result = tuner.run(selection: selection, learningRate: lr, seed: settings.seed, data: runData)
                    let cell = NoiseGridCell(tuned: name, learningRate: lr,
                                             validationAccuracy: result.bestValidationAccuracy ?? 0,
                                             testAccuracy: result.test?.accuracy ?? 0, seconds: result.seconds)
                    if best == nil || cell.validationAccuracy > best!.validationAccuracy { best = cell }
                }
                cells.append(best!)
                progress?(block, best!)
            }
            // MARK: Auto-RGN — when ScalpelTuning has `MethodRunner` / `MethodSpec` (branch main),
            // run `MethodSpec(parsing: "auto-rgn")` from `noised` on `data` here, append its cell
            // (tuned: "auto-rgn"), and store the epochs' `tensorWeights` summed over epochs and
            // grouped by `model.blocks` in the row. Not run yet: no column is reported for it.
            model.restore(noised)
            rows.append(NoiseGridRow(noised: block, noisedAccuracy: evaluate(model, on: data.test).accuracy, cells: cells))
        }
        return NoiseGrid(settings: settings, cleanAccuracy: cleanAccuracy, rows: rows)
    }

    /// The data advanced through the frozen prefix of the noised model when the tuner allows it
    /// (BatchNorm in eval mode, no augmentation), so frozen blocks run once, not every epoch.
    private func cachedPrefix(tuner: FineTuner, noised: [String: Tensor], selection: Set<String>) -> RunData {
        let start = tuner.firstTrainableBlock(selection)
        guard tuner.prefixIsCacheable(upTo: start) else { return data }
        model.restore(noised)
        return RunData(tune: data.tune.advanced(through: model, to: start),
                       validation: data.validation.advanced(through: model, to: start),
                       test: data.test.advanced(through: model, to: start))
    }
}

extension NoiseGrid {
    /// The grid as a Markdown table of test accuracies (%), the best cell of each row in bold.
    public var markdown: String {
        let columns = settings.tunedSelections
        var lines = ["| noised \\ tuned | no tuning | " + columns.joined(separator: " | ") + " |",
                     "|---|---|" + columns.map { _ in "---|" }.joined()]
        for row in rows {
            let best = row.cells.map(\.testAccuracy).max() ?? 0
            let cells = row.cells.map { c in
                let v = String(format: "%.1f", 100 * c.testAccuracy)
                return c.testAccuracy == best ? "**\(v)**" : v
            }
            lines.append("| \(row.noised) | " + String(format: "%.1f", 100 * row.noisedAccuracy) + " | "
                         + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
