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
    /// The SQL table the records live in.
    public static let databaseTableName = "adaptation_runs"

    /// The run's key: SHA-256 hex of its `AdaptationIdentity` (the primary key).
    public var key: String
    /// The experiment that planned the run (`ExperimentSpec.name`, or `scalpel adapt`'s).
    public var experiment: String
    /// The checkpoint path as given (the identity holds its content hash).
    public var checkpoint: String
    /// SHA-256 of the checkpoint file, lowercase hexadecimal.
    public var checkpointSHA256: String
    /// The model's architecture name, from the checkpoint's configuration.
    public var architecture: String
    /// The shift as written (the label of tables).
    public var shift: String
    /// `memo` or `tent` (`AdaptationMethod`).
    public var method: String
    /// `episodic` or `online` (`AdaptationMode`).
    public var mode: String
    /// The parameters that adapted, as canonical `Selection` text.
    public var selection: String
    /// MEMO's augmented copies B per image; nil for TENT.
    public var augmentations: Int?
    /// MEMO's optimizer steps K per image; nil for TENT.
    public var steps: Int?
    /// MEMO's AugMix severity; nil for TENT.
    public var augmixSeverity: Int?
    /// MEMO's BatchNorm prior N; nil for +∞ and for TENT.
    public var prior: Double?
    /// TENT's images per batch; nil for MEMO.
    public var batchSize: Int?
    /// The optimizer kind: `sgd` or `adamw`.
    public var optimizer: String
    /// The learning rate, the `Float` setting read back through its decimal text (1e-4 stays 0.0001).
    public var learningRate: Double
    /// The optimizer's weight decay (decimal value of the `Float` setting).
    public var weightDecay: Double
    /// SGD momentum (recorded for AdamW too, where it is unused).
    public var momentum: Double
    /// Seed of the target split, its `UInt64` bit pattern stored as a signed integer.
    public var splitSeed: Int64
    /// Test images requested (the first N of the target test split).
    public var testSize: Int
    /// Seed of the run (MEMO's augmentations), its `UInt64` bit pattern stored as a signed integer.
    public var seed: Int64
    /// A curve point every `every` test images (`adaptation_curves`).
    public var every: Int
    /// `AdaptationConfiguration` as JSON.
    public var configuration: String
    /// `done`, `diverged` or `failed`.
    public var status: RunRecord.Status
    /// Why the run failed; nil otherwise.
    public var message: String?
    /// Test images actually used (at most `testSize`).
    public var testImages: Int?
    /// Parameter tensors that adapted; nil for a failed run.
    public var trainableTensors: Int?
    /// Parameter elements (scalars) that adapted; nil for a failed run.
    public var trainableParameters: Int?
    /// Accuracy in [0, 1] of the unadapted model (evaluation mode) on the same test images; nil for a failed run.
    public var noAdaptationAccuracy: Double?
    /// Accuracy in [0, 1] with BatchNorm's prior alone, no gradient step (MEMO with a finite prior); nil otherwise.
    public var priorOnlyAccuracy: Double?
    /// Accuracy in [0, 1] of the adapted predictions over the test images; nil for a failed run.
    public var adaptedAccuracy: Double?
    /// Mean adaptation loss over all steps (marginal entropy for MEMO, entropy for TENT); nil when it
    /// is not finite (the run is then `diverged`) or the run failed.
    public var meanLoss: Double?
    /// Predicted classes in test order, as a JSON array.
    public var predictions: String?
    /// Seconds spent adapting (the baselines excluded).
    public var seconds: Double
    /// When the run started.
    public var startedAt: Date
    /// When the record was made (the run's end).
    public var finishedAt: Date
    /// The commit of the tool that computed the run (`ToolVersion.commit`; `-dirty` when uncommitted).
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
    /// The SQL table the rows live in.
    public static let databaseTableName = "adaptation_curves"

    /// The `key` of the run in `adaptation_runs` the point belongs to.
    public var runKey: String
    /// Test images adapted on and predicted so far.
    public var seen: Int
    /// Accuracy in [0, 1] over the first `seen` images.
    public var cumulativeAccuracy: Double
    /// Accuracy of the images since the previous point only.
    public var windowAccuracy: Double
    /// The baselines' cumulative accuracy on the same `seen` images (nil when not measured).
    public var noAdaptationAccuracy: Double?
    /// The prior-only baseline's cumulative accuracy on the same `seen` images (nil when not measured
    /// or the run has no prior-only baseline).
    public var priorOnlyAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case seen
        case runKey = "run_key", cumulativeAccuracy = "cumulative_accuracy", windowAccuracy = "window_accuracy"
        case noAdaptationAccuracy = "no_adaptation_accuracy", priorOnlyAccuracy = "prior_only_accuracy"
    }

    /// A curve point of run `runKey`; the baselines' points are nil when not measured.
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
