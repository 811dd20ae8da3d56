import Foundation
import ScalpelExperiments
import ScalpelTuning

/// A checkpoint as the runs name it: its architecture and content hash.
public struct CheckpointRef: Hashable, Sendable {
    /// Architecture name as the runs recorded it (`resnet26`, …).
    public var architecture: String
    /// SHA-256 of the checkpoint file, hexadecimal; also the key of `ReportData.models`.
    public var sha256: String

    /// A reference from its two fields, unchecked.
    public init(architecture: String, sha256: String) {
        self.architecture = architecture
        self.sha256 = sha256
    }
}

/// One cell of a study: a method on one shift, checkpoint and target size.
public struct CellKey: Hashable, Sendable, Comparable {
    /// Architecture of the checkpoint.
    public var architecture: String
    /// SHA-256 of the checkpoint file, hexadecimal.
    public var checkpointSHA256: String
    /// The shift, as the runs recorded it.
    public var shift: String
    /// Labeled target examples the runs fine-tuned on.
    public var targetSize: Int
    /// The method, as the runs recorded it (its spec text).
    public var method: String

    /// Orders cells by architecture, checkpoint, shift, target size, then method.
    public static func < (a: CellKey, b: CellKey) -> Bool {
        (a.architecture, a.checkpointSHA256, a.shift, a.targetSize, a.method)
            < (b.architecture, b.checkpointSHA256, b.shift, b.targetSize, b.method)
    }
}

/// A cell's runs and what the protocol makes of them: for each seed, the run with the best
/// validation accuracy over the learning-rate/hyperparameter grid (diverged and failed runs
/// excluded; `StudyResult.choose`), and the mean (standard error) of the chosen runs' test
/// accuracies over seeds.
public struct CellResult: Sendable {
    /// Which cell this is.
    public let key: CellKey
    /// Every run of the cell, over seeds and grid points, whatever their status.
    public let runs: [RunRecord]
    /// The chosen run of each seed that has one, by seed.
    public let chosen: [UInt64: (record: RunRecord, result: RunResult)]

    /// Groups `runs` (all of cell `key`) by seed and chooses, for each seed, the run with the best
    /// validation accuracy; runs whose result cannot be decoded are skipped.
    public init(key: CellKey, runs: [RunRecord]) {
        self.key = key
        self.runs = runs
        var chosen: [UInt64: (RunRecord, RunResult)] = [:]
        for (seed, seedRuns) in Dictionary(grouping: runs, by: { UInt64(bitPattern: $0.seed) }) {
            // The order the sweep ran the grid in, so ties go to the earlier grid point, as in MethodStudy.
            let ordered = seedRuns.sorted { ($0.startedAt, $0.key) < ($1.startedAt, $1.key) }
            let results = ordered.compactMap { r in r.decodedResult().map { (r, $0) } }
            if let best = StudyResult.choose(results.map(\.1)),
               let pair = results.first(where: { $0.1.learningRate == best.learningRate && $0.1.hyperparameter == best.hyperparameter }) {
                chosen[seed] = pair
            }
        }
        self.chosen = chosen
    }

    /// Seeds with at least one run.
    public var seeds: [UInt64] { Set(runs.map { UInt64(bitPattern: $0.seed) }).sorted() }

    /// Test accuracy over seeds at the chosen grid points.
    public var testAccuracy: Summary? { Summary(seeds.compactMap { chosen[$0]?.result.test?.accuracy }) }

    /// Worst-group test accuracy over seeds (shifts with groups).
    public var worstGroupAccuracy: Summary? { Summary(seeds.compactMap { chosen[$0]?.result.test?.worstGroupAccuracy }) }

    /// Parameter elements the method trains.
    public var trainableParameters: Int? { runs.compactMap(\.trainableParameters).first }

    /// The number of runs that diverged.
    public var divergedRuns: Int { runs.filter { $0.status == .diverged }.count }
    /// The number of runs that failed.
    public var failedRuns: Int { runs.filter { $0.status == .failed }.count }
}

/// Everything a report shows, read from a results database.
public struct ReportData: Sendable {
    /// Every fine-tuning run of the database.
    public let runs: [RunRecord]
    /// Per-epoch rows of each run, by run key, in epoch order.
    public let epochs: [String: [EpochRow]]
    /// Checkpoint layouts, by checkpoint SHA-256.
    public let models: [String: ModelRecord]
    /// The runs grouped into cells, by cell key.
    public let cells: [CellKey: CellResult]
    /// Shifts, methods and target sizes in the order the sweep first ran them. `methods` leaves
    /// out a method all of whose runs were recorded only as Cross-Val's block runs
    /// (`componentRuns`): the study did not plan it, so it gets no row, rank or bar.
    public let shifts: [String]
    /// Methods in order of first run, without those recorded only as block runs (see above).
    public let methods: [String]
    /// Target sizes, in increasing order.
    public let targetSizes: [Int]
    /// Checkpoints in order of first run.
    public let checkpoints: [CheckpointRef]
    /// Test-time adaptation runs and their curves (by run key).
    public let adaptationRuns: [AdaptationRunRecord]
    /// Curve points of each adaptation run, by run key, in order of images seen.
    public let adaptationCurves: [String: [AdaptationCurveRow]]
    /// The adaptation runs summarized over seeds: one panel per checkpoint, shift and test set.
    public let adaptationPanels: [AdaptationPanel]
    /// The number of runs recorded only as another method's block runs (`RunRecord.isComponent`)
    /// whose method has no row.
    public let componentRuns: Int

    /// Reads every table of `database`; rethrows its read errors.
    public init(database: ResultsDatabase) throws {
        try self.init(runs: database.runs(), epochs: database.epochs(), models: database.models(),
                      adaptationRuns: database.adaptationRuns(), adaptationCurves: database.adaptationCurves())
    }

    /// Builds cells, orders and adaptation panels from already-read rows; the optional tables
    /// default to empty.
    public init(runs: [RunRecord], epochs: [String: [EpochRow]] = [:], models: [String: ModelRecord] = [:],
                adaptationRuns: [AdaptationRunRecord] = [], adaptationCurves: [String: [AdaptationCurveRow]] = [:]) {
        self.runs = runs
        self.epochs = epochs
        self.models = models
        self.adaptationRuns = adaptationRuns
        self.adaptationCurves = adaptationCurves
        adaptationPanels = AdaptationPanel.panels(adaptationRuns, curves: adaptationCurves)
        let byCell = Dictionary(grouping: runs) {
            CellKey(architecture: $0.architecture, checkpointSHA256: $0.checkpointSHA256, shift: $0.shift,
                    targetSize: $0.targetSize, method: $0.method)
        }
        cells = byCell.mapValues { CellResult(key: $0.first.map { r in
            CellKey(architecture: r.architecture, checkpointSHA256: r.checkpointSHA256, shift: r.shift,
                    targetSize: r.targetSize, method: r.method) }!, runs: $0) }
        let timeOrdered = runs.sorted { ($0.startedAt, $0.key) < ($1.startedAt, $1.key) }
        func firstSeen<T: Hashable>(_ value: (RunRecord) -> T) -> [T] {
            var seen = Set<T>(), out: [T] = []
            for r in timeOrdered where seen.insert(value(r)).inserted { out.append(value(r)) }
            return out
        }
        shifts = firstSeen(\.shift)
        let components = Set(runs.filter(\.isComponent).map(\.key))
        let planned = Set(runs.filter { !components.contains($0.key) }.map(\.method))
        componentRuns = runs.filter { components.contains($0.key) && !planned.contains($0.method) }.count
        methods = firstSeen(\.method).filter(planned.contains)
        targetSizes = firstSeen(\.targetSize).sorted()
        checkpoints = firstSeen { CheckpointRef(architecture: $0.architecture, sha256: $0.checkpointSHA256) }
    }

    /// The cell of `method` on `shift` for a checkpoint and target size.
    public func cell(_ checkpoint: CheckpointRef, shift: String, targetSize: Int,
                     method: String) -> CellResult? {
        cells[CellKey(architecture: checkpoint.architecture, checkpointSHA256: checkpoint.sha256, shift: shift,
                      targetSize: targetSize, method: method)]
    }

    /// A short name of a checkpoint for headings: `resnet26 (1a2b3c4d)`.
    public func checkpointName(_ c: CheckpointRef) -> String {
        let file = models[c.sha256].map { URL(fileURLWithPath: $0.checkpoint).lastPathComponent }
        return "\(c.architecture) (\(file ?? String(c.sha256.prefix(8))))"
    }
}
