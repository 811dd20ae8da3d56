import Foundation
import ScalpelAdaptation
import ScalpelExperiments
import ScalpelTuning

/// One configuration of test-time adaptation on one test set, over its seeds: the runs whose
/// identities differ only in the seed (`AdaptationIdentity.cellKey`). Failed runs are counted
/// and left out of the statistics; diverged runs count, since their predictions are real.
public struct AdaptationCell: Sendable {
    /// The seed-free identity key shared by the cell's runs (`AdaptationIdentity.cellKey`).
    public let cellKey: String
    /// The adaptation settings common to the cell's runs.
    public let settings: AdaptationSettings
    /// Every run of the cell, failed ones included, in order of start.
    public let runs: [AdaptationRunRecord]
    /// Accuracy without adaptation, with BatchNorm's prior alone, and adapted: mean (standard
    /// error) over the seeds' runs.
    public let noAdaptation: Summary?
    /// Accuracy with BatchNorm's prior alone over the seeds; nil when no run recorded it (TENT, or MEMO
    /// without a finite prior).
    public let priorOnly: Summary?
    /// Accuracy after adaptation over the seeds; nil when no counted run recorded one.
    public let adapted: Summary?
    /// Cumulative accuracy after each number of images seen that every run's curve has.
    public let curve: [(seen: Int, accuracy: Summary)]

    init(cellKey: String, settings: AdaptationSettings, runs: [AdaptationRunRecord], curves: [String: [AdaptationCurveRow]]) {
        self.cellKey = cellKey
        self.settings = settings
        self.runs = runs
        let counted = runs.filter { $0.status != .failed }
        noAdaptation = Summary(counted.compactMap(\.noAdaptationAccuracy))
        priorOnly = Summary(counted.compactMap(\.priorOnlyAccuracy))
        adapted = Summary(counted.compactMap(\.adaptedAccuracy))
        let perRun = counted.map { r in Dictionary((curves[r.key] ?? []).map { ($0.seen, $0.cumulativeAccuracy) },
                                                   uniquingKeysWith: { a, _ in a }) }
        var common = Set(perRun.first.map { Array($0.keys) } ?? [])
        for points in perRun.dropFirst() { common.formIntersection(points.keys) }
        curve = common.sorted().compactMap { seen in Summary(perRun.compactMap { $0[seen] }).map { (seen, $0) } }
    }

    /// Seeds with a run that did not fail.
    public var seeds: [Int64] { Set(runs.filter { $0.status != .failed }.map(\.seed)).sorted() }
    /// The number of runs that failed (left out of the statistics).
    public var failedRuns: Int { runs.filter { $0.status == .failed }.count }

    /// `memo all` / `tent all`: method and selection.
    public var shortLabel: String { "\(settings.method.rawValue) \(settings.selection)" }
}

/// The adaptation runs on one test set: one checkpoint, shift (canonical), split seed and test
/// size; its cells in the order their first runs started.
public struct AdaptationPanel: Sendable {
    /// Architecture of the adapted checkpoint (`resnet26`, …).
    public let architecture: String
    /// SHA-256 of the adapted checkpoint's file, hexadecimal.
    public let checkpointSHA256: String
    /// The shift as the first run wrote it.
    public let shift: String
    /// Seed of the split that drew the test set (0 is shown as no split seed in headings).
    public let splitSeed: Int64
    /// Number of test images adapted on.
    public let testSize: Int
    /// The panel's cells, in the order their first runs started.
    public let cells: [AdaptationCell]
    /// The baselines' cumulative accuracy on the same first images, at the points the runs'
    /// curves recorded them: no adaptation from any run (it depends only on the test set),
    /// BatchNorm's prior alone from the MEMO runs when they all use one prior (else nil).
    public let baselineCurve: [(seen: Int, noAdaptation: Double, priorOnly: Double?)]

    /// The cells of online runs (online MEMO and TENT): the curves of Figure 4 (right).
    public var onlineCells: [AdaptationCell] { cells.filter { $0.settings.mode == .online && !$0.curve.isEmpty } }

    /// Legend labels of `cells`: method and selection, with the settings that differ added where
    /// two cells would otherwise share a label (`tent all, lr 0.001` and `tent all, lr 1e-09`).
    public func labels(_ cells: [AdaptationCell]) -> [String] {
        cells.map { c in
            let twins = cells.filter { $0.shortLabel == c.shortLabel }
            guard twins.count > 1 else { return c.shortLabel }
            let differing = c.settings.parts.indices.filter { i in Set(twins.map { $0.settings.parts[i] }).count > 1 }
            return ([c.shortLabel] + differing.map { c.settings.parts[$0] }).joined(separator: ", ")
        }
    }

    /// Groups `runs` into panels and cells, both in order of first start (then key).
    static func panels(_ runs: [AdaptationRunRecord], curves: [String: [AdaptationCurveRow]]) -> [AdaptationPanel] {
        let ordered = runs.sorted { ($0.startedAt, $0.key) < ($1.startedAt, $1.key) }
        var panelOrder: [String] = [], cellOrder: [String: [String]] = [:]
        var identities: [String: AdaptationIdentity] = [:], cellRuns: [String: [AdaptationRunRecord]] = [:]
        var firstRun: [String: AdaptationRunRecord] = [:]
        for r in ordered {
            guard let id = r.decodedConfiguration?.identity else { continue }
            let panel = [id.architecture, id.checkpointSHA256, id.shift, "\(id.splitSeed)", "\(id.testSize)"].joined(separator: "\u{1F}")
            let cell = id.cellKey
            if firstRun[panel] == nil { panelOrder.append(panel); firstRun[panel] = r }
            if identities[cell] == nil { cellOrder[panel, default: []].append(cell); identities[cell] = id }
            cellRuns[cell, default: []].append(r)
        }
        return panelOrder.map { p in
            let first = firstRun[p]!
            let cells = (cellOrder[p] ?? []).map { c in
                AdaptationCell(cellKey: c, settings: identities[c]!.settings, runs: cellRuns[c] ?? [], curves: curves)
            }
            return AdaptationPanel(architecture: first.architecture, checkpointSHA256: first.checkpointSHA256, shift: first.shift,
                                   splitSeed: first.splitSeed, testSize: first.testSize, cells: cells,
                                   baselineCurve: baselineCurve(cells, curves: curves))
        }
    }

    /// The panel's baseline curve from its runs' curve rows (see `baselineCurve`).
    static func baselineCurve(_ cells: [AdaptationCell],
                              curves: [String: [AdaptationCurveRow]]) -> [(seen: Int, noAdaptation: Double, priorOnly: Double?)] {
        let memoPriors = Set(cells.filter { $0.settings.method == .memo }.map { $0.settings.priorStrength.map(Double.init) ?? .infinity })
        var plain: [Int: Double] = [:], prior: [Int: Double] = [:]
        for cell in cells {
            let sharesPrior = cell.settings.method == .memo && memoPriors.count == 1
            for run in cell.runs where run.status != .failed {
                for row in curves[run.key] ?? [] {
                    if let v = row.noAdaptationAccuracy, plain[row.seen] == nil { plain[row.seen] = v }
                    if sharesPrior, let v = row.priorOnlyAccuracy, prior[row.seen] == nil { prior[row.seen] = v }
                }
            }
        }
        return plain.keys.sorted().map { ($0, plain[$0]!, prior[$0]) }
    }
}

extension ReportData {
    /// Architectures of the adaptation runs, in order of first run.
    public var adaptationArchitectures: [String] {
        adaptationPanels.map(\.architecture).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// A panel's heading: `fmnist-c:gaussian_noise:5, resnet26 (resnet26-fmnist.safetensors), 500 test images`.
    public func title(of panel: AdaptationPanel) -> String {
        let checkpoint = checkpointName(CheckpointRef(architecture: panel.architecture, sha256: panel.checkpointSHA256))
        return "\(panel.shift), \(checkpoint), \(panel.testSize) test images" + (panel.splitSeed == 0 ? "" : ", split seed \(panel.splitSeed)")
    }
}
