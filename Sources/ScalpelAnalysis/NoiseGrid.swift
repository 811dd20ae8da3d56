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
    /// Fine-tuning options of every cell (epochs, batch size, early stopping, …).
    public var options: TrainingOptions
    /// Seed of the noise (row r uses `seed + r`) and of every fine-tuning run.
    public var seed: UInt64
    /// Whether to add an Auto-RGN column (per-tensor learning rates, full network).
    public var autoRGN: Bool

    /// Settings with the paper's rows (blocks 1-3 and the last layer) and columns (stem, each block,
    /// all) by default, one learning rate 1e-3, 3 epochs and an Auto-RGN column. Nothing is validated
    /// here; the selections are parsed when the experiment runs.
    public init(scale: Float, noisedBlocks: [String] = ["block1", "block2", "block3", "last"],
                tunedSelections: [String] = ["stem", "block1", "block2", "block3", "last", "all"],
                learningRates: [Float] = [1e-3], options: TrainingOptions = TrainingOptions(epochs: 3),
                seed: UInt64 = 0, autoRGN: Bool = true) {
        self.scale = scale
        self.autoRGN = autoRGN
        self.noisedBlocks = noisedBlocks
        self.tunedSelections = tunedSelections
        self.learningRates = learningRates
        self.options = options
        self.seed = seed
    }
}

/// One fine-tuning of one selection, starting from one noised model.
public struct NoiseGridCell: Codable, Sendable {
    /// The column: a tuned selection's name (`all` for the whole network) or `auto-rgn`.
    public var tuned: String
    /// The learning rate kept: the one with the best validation accuracy among `learningRates`.
    public var learningRate: Float
    /// Best validation accuracy in [0, 1] of the kept run (0 when it recorded none).
    public var validationAccuracy: Double
    /// Test accuracy in [0, 1] of the kept run (0 when it has no test evaluation).
    public var testAccuracy: Double
    /// Wall-clock seconds of every run of the cell, over all learning rates tried.
    public var seconds: Double
}

/// One noised block: the noised model's accuracy and each tuned selection's.
public struct NoiseGridRow: Codable, Sendable {
    /// Name of the block that received noise.
    public var noised: String
    /// Test accuracy of the noised model before any tuning.
    public var noisedAccuracy: Double
    /// One cell per column that produced a run: the tuned selections in order, then `auto-rgn`.
    public var cells: [NoiseGridCell]
    /// Auto-RGN's mean accumulated learning-rate weight per block over its chosen run (Figure 6),
    /// when the grid has an Auto-RGN column.
    public var autoRGNBlockWeights: [String: Double]?
}

/// The grid "noised block × tuned selection" of test accuracies.
public struct NoiseGrid: Codable, Sendable {
    /// Block names in forward order, for ordering tables.
    var blockOrder: [String] { ["stem", "embed"] + (1...12).map { "block\($0)" } + ["last"] }

    /// The settings the grid was run with.
    public var settings: NoiseGridSettings
    /// Test accuracy of the un-noised model.
    public var cleanAccuracy: Double
    /// One row per noised block, in the order of `settings.noisedBlocks`.
    public var rows: [NoiseGridRow]
}

/// The parameter-noise experiment: for each noised block b, θ⁰_b = the clean model with noise
/// in b (`ParameterNoise`); for each selection S, fine-tune S from θ⁰_b on clean labeled target
/// data with `FineTuner` (plain `FixedSelection` loop, early stopping on validation) and report
/// test accuracy. The paper's claim (Figure 5): the best S is the noised block, better than all.
public struct NoiseGridExperiment {
    /// The clean model; `run` noises and tunes it and restores its clean state at the end.
    public let model: BlockModel
    /// The labeled target data: tuning, validation and test sets, as images (start block 0).
    public let data: RunData
    /// Scale, rows, columns, learning rates and options of the experiment.
    public let settings: NoiseGridSettings

    /// An experiment on `model` with `data`; traps unless `data` holds images (start block 0).
    public init(model: BlockModel, data: RunData, settings: NoiseGridSettings) {
        precondition(data.startBlock == 0, "NoiseGridExperiment: data must be images (start block 0)")
        self.model = model
        self.data = data
        self.settings = settings
    }

    /// Runs every cell; `progress` receives each finished cell with its row's block.
    ///
    /// Columns are `surgical:S` for each tuned selection S (`all` for all) and, when
    /// `settings.autoRGN`, `auto-rgn`: each cell keeps the learning rate with the best
    /// validation accuracy. One `TuningSession` per noised model shares frozen-prefix activations
    /// between the cells of its row.
    public func run(progress: ((String, NoiseGridCell) -> Void)? = nil) throws -> NoiseGrid {
        let clean = model.snapshot()
        defer { model.restore(clean) }
        let cleanAccuracy = evaluate(model, on: data.test).accuracy
        var columns = try settings.tunedSelections.map { name in
            (name, try MethodSpec(parsing: name == "all" ? "all" : "surgical:\(name)").method(for: model))
        }
        if settings.autoRGN { columns.append(("auto-rgn", AutoRGN(variant: .paper))) }
        var rows: [NoiseGridRow] = []
        for (row, block) in settings.noisedBlocks.enumerated() {
            model.restore(clean)
            try ParameterNoise.perturb(model, block: block, scale: settings.scale, seed: settings.seed &+ UInt64(row))
            let noised = model.snapshot()
            let noisedAccuracy = evaluate(model, on: data.test).accuracy
            let session = TuningSession(tuner: FineTuner(model: model, base: noised, options: settings.options), data: data)
            var cells: [NoiseGridCell] = []
            var weights: [String: Double]? = nil
            for (name, method) in columns {
                let runs = settings.learningRates.map {
                    method.run(at: GridPoint(learningRate: $0, seed: settings.seed), in: session)
                }
                guard let best = StudyResult.choose(runs) else { continue }
                let cell = NoiseGridCell(tuned: name, learningRate: best.learningRate,
                                         validationAccuracy: best.bestValidationAccuracy ?? 0,
                                         testAccuracy: best.test?.accuracy ?? 0, seconds: runs.reduce(0) { $0 + $1.seconds })
                if name == "auto-rgn" { weights = Self.blockWeights(best, model: model) }
                cells.append(cell)
                progress?(block, cell)
            }
            rows.append(NoiseGridRow(noised: block, noisedAccuracy: noisedAccuracy, cells: cells,
                                     autoRGNBlockWeights: weights))
        }
        return NoiseGrid(settings: settings, cleanAccuracy: cleanAccuracy, rows: rows)
    }

    /// Auto-RGN's per-tensor weights summed over the run's epochs and over each block's tensors,
    /// divided by the block's tensor count: the mean accumulated weight per block (Figure 6).
    static func blockWeights(_ run: RunResult, model: BlockModel) -> [String: Double] {
        var total: [String: Double] = [:]
        for epoch in run.epochs { for (name, w) in epoch.tensorWeights ?? [:] { total[name, default: 0] += w } }
        var out: [String: Double] = [:]
        for (block, parameters) in model.parametersByBlock() where !parameters.isEmpty {
            out[block] = parameters.reduce(0) { $0 + (total[$1.0] ?? 0) } / Double(parameters.count)
        }
        return out
    }
}

extension NoiseGrid {
    /// The grid as a Markdown table of test accuracies (%), the best cell of each row in bold.
    public var markdown: String {
        let columns = rows.first?.cells.map(\.tuned) ?? settings.tunedSelections
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
        let weighted = rows.filter { $0.autoRGNBlockWeights != nil }
        if let blocks = weighted.first?.autoRGNBlockWeights?.keys.sorted(by: { a, b in
            (blockOrder.firstIndex(of: a) ?? 99, a) < (blockOrder.firstIndex(of: b) ?? 99, b) }) {
            lines += ["", "Auto-RGN: mean learning-rate weight per tensor, summed over epochs, per block (Figure 6)", "",
                      "| noised \\ block | " + blocks.joined(separator: " | ") + " |",
                      "|---|" + blocks.map { _ in "---|" }.joined()]
            for row in weighted {
                let top = row.autoRGNBlockWeights!.values.max() ?? 0
                lines.append("| \(row.noised) | " + blocks.map { b in
                    let v = String(format: "%.2f", row.autoRGNBlockWeights![b] ?? 0)
                    return row.autoRGNBlockWeights![b] == top ? "**\(v)**" : v
                }.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n")
    }
}
