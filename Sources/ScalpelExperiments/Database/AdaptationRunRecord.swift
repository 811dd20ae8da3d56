import Foundation
import GRDB
import ScalpelAdaptation

/// A row of `adaptation_runs`: one test-time adaptation run's configuration and outcome.
///
/// The configuration columns repeat the identity's fields for SQL and tables; `configuration`
/// holds the whole `AdaptationConfiguration` as JSON. Outcomes: the accuracy without
/// adaptation, with BatchNorm's prior alone (MEMO with a finite prior), adapted, and the
/// predictions in test order (JSON). `status` is `done`, `diverged` (the adaptation loss became
/// NaN or infinite; its predictions still count) or `failed` (with `message`; a sweep retries it).
public struct AdaptationRunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "adaptation_runs"

    public var key: String
    public var experiment: String
    public var checkpoint: String
    public var checkpointSHA256: String
    public var architecture: String
    /// The shift as written (the label of tables).
    public var shift: String
    public var method: String
    public var mode: String
    public var selection: String
    public var augmentations: Int?
    public var steps: Int?
    public var augmixSeverity: Int?
    /// MEMO's BatchNorm prior N; nil for +∞ and for TENT.
    public var prior: Double?
    public var batchSize: Int?
    public var optimizer: String
    public var learningRate: Double
    public var weightDecay: Double
    public var momentum: Double
    public var splitSeed: Int64
    public var testSize: Int
    public var seed: Int64
    public var every: Int
    /// `AdaptationConfiguration` as JSON.
    public var configuration: String
    public var status: RunRecord.Status
    public var message: String?
    /// Test images actually used (at most `testSize`).
    public var testImages: Int?
    public var trainableTensors: Int?
    public var trainableParameters: Int?
    public var noAdaptationAccuracy: Double?
    public var priorOnlyAccuracy: Double?
    public var adaptedAccuracy: Double?
    public var meanLoss: Double?
    /// Predicted classes in test order, as a JSON array.
    public var predictions: String?
    /// Seconds spent adapting (the baselines excluded).
    public var seconds: Double
    public var startedAt: Date
    public var finishedAt: Date
    public var toolCommit: String

    enum CodingKeys: String, CodingKey {
        case key, experiment, checkpoint, architecture, shift, method, mode, selection, augmentations, steps, prior
        case optimizer, momentum, seed, every, configuration, status, message, predictions, seconds
        case checkpointSHA256 = "checkpoint_sha256", augmixSeverity = "augmix_severity", batchSize = "batch_size"
        case learningRate = "learning_rate", weightDecay = "weight_decay", splitSeed = "split_seed", testSize = "test_size"
        case testImages = "test_images", trainableTensors = "trainable_tensors", trainableParameters = "trainable_parameters"
        case noAdaptationAccuracy = "no_adaptation_accuracy", priorOnlyAccuracy = "prior_only_accuracy"
        case adaptedAccuracy = "adapted_accuracy", meanLoss = "mean_loss"
        case startedAt = "started_at", finishedAt = "finished_at", toolCommit = "tool_commit"
    }

    /// The record of a run that finished (done, or diverged when its mean loss is not finite).
    public init(planned: PlannedAdaptation, outcome: AdaptationOutcome, startedAt: Date, toolCommit: String) {
        self.init(planned: planned, seconds: outcome.result.seconds, startedAt: startedAt, toolCommit: toolCommit)
        status = outcome.result.meanLoss.isFinite ? .done : .diverged
        testImages = outcome.result.predictions.count
        trainableTensors = outcome.trainableTensors
        trainableParameters = outcome.trainableParameters
        noAdaptationAccuracy = outcome.baselines.noAdaptation
        priorOnlyAccuracy = outcome.baselines.priorOnly
        adaptedAccuracy = outcome.result.accuracy
        meanLoss = outcome.result.meanLoss.isFinite ? outcome.result.meanLoss : nil
        predictions = String(decoding: try! JSONEncoder().encode(outcome.result.predictions), as: UTF8.self)
    }

    /// The record of a run that failed with `message`.
    public init(planned: PlannedAdaptation, failure message: String, seconds: Double, startedAt: Date, toolCommit: String) {
        self.init(planned: planned, seconds: seconds, startedAt: startedAt, toolCommit: toolCommit)
        self.message = message
    }

    /// The configuration columns, `failed` with no outcome yet.
    private init(planned: PlannedAdaptation, seconds: Double, startedAt: Date, toolCommit: String) {
        let id = planned.identity, s = id.settings
        key = planned.key
        experiment = planned.configuration.experiment
        checkpoint = planned.configuration.checkpointPath
        checkpointSHA256 = id.checkpointSHA256
        architecture = id.architecture
        shift = planned.configuration.shiftLabel
        method = s.method.rawValue
        mode = s.mode.rawValue
        selection = s.selection
        augmentations = s.augmentations
        steps = s.steps
        augmixSeverity = s.augmixSeverity
        prior = s.priorStrength.map { Double("\($0)") ?? Double($0) }
        batchSize = s.batchSize
        optimizer = s.optimizer.kind.rawValue
        learningRate = Double("\(s.optimizer.learningRate)") ?? Double(s.optimizer.learningRate)
        weightDecay = Double("\(s.optimizer.weightDecay)") ?? Double(s.optimizer.weightDecay)
        momentum = Double("\(s.optimizer.momentum)") ?? Double(s.optimizer.momentum)
        splitSeed = Int64(bitPattern: id.splitSeed)
        testSize = id.testSize
        seed = Int64(bitPattern: id.seed)
        every = planned.configuration.every
        configuration = planned.configuration.json
        status = .failed
        self.seconds = seconds
        self.startedAt = startedAt
        finishedAt = Date()
        self.toolCommit = toolCommit
    }

    /// The stored configuration (identity, experiment, paths, curve interval).
    public var decodedConfiguration: AdaptationConfiguration? {
        try? JSONDecoder().decode(AdaptationConfiguration.self, from: Data(configuration.utf8))
    }

    /// The stored predictions, in test order.
    public var decodedPredictions: [Int]? {
        predictions.flatMap { try? JSONDecoder().decode([Int].self, from: Data($0.utf8)) }
    }
}

/// A row of `adaptation_curves`: the cumulative accuracy of a run after `seen` test images, and
/// that of its baselines on the same images (a harder or easier start of the test set moves
/// them alike, so a curve is read against them, not against their final accuracy).
public struct AdaptationCurveRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "adaptation_curves"

    public var runKey: String
    public var seen: Int
    public var cumulativeAccuracy: Double
    /// Accuracy of the images since the previous point only.
    public var windowAccuracy: Double
    /// The baselines' cumulative accuracy on the same `seen` images (nil when not measured).
    public var noAdaptationAccuracy: Double?
    public var priorOnlyAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case seen
        case runKey = "run_key", cumulativeAccuracy = "cumulative_accuracy", windowAccuracy = "window_accuracy"
        case noAdaptationAccuracy = "no_adaptation_accuracy", priorOnlyAccuracy = "prior_only_accuracy"
    }

    public init(runKey: String, seen: Int, cumulativeAccuracy: Double, windowAccuracy: Double,
                noAdaptationAccuracy: Double? = nil, priorOnlyAccuracy: Double? = nil) {
        self.runKey = runKey
        self.seen = seen
        self.cumulativeAccuracy = cumulativeAccuracy
        self.windowAccuracy = windowAccuracy
        self.noAdaptationAccuracy = noAdaptationAccuracy
        self.priorOnlyAccuracy = priorOnlyAccuracy
    }

    /// The curve of a finished run, one row per point, with its baselines' points.
    public static func rows(runKey: String, outcome: AdaptationOutcome) -> [AdaptationCurveRow] {
        let baselines = Dictionary(outcome.baselineCurve.map { ($0.seen, $0) }, uniquingKeysWith: { a, _ in a })
        return outcome.result.curve.map {
            AdaptationCurveRow(runKey: runKey, seen: $0.seen, cumulativeAccuracy: $0.cumulativeAccuracy,
                               windowAccuracy: $0.windowAccuracy, noAdaptationAccuracy: baselines[$0.seen]?.noAdaptation,
                               priorOnlyAccuracy: baselines[$0.seen]?.priorOnly)
        }
    }
}
