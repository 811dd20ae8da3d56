import Foundation
import GRDB
import ScalpelNN
import ScalpelTuning

/// A row of `runs`: one grid point's configuration and outcome (see `ResultsSchema`).
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The SQL table the records live in.
    public static let databaseTableName = "runs"

    /// How a run ended: `done` (trained every epoch), `diverged` (a loss became NaN or infinite, or
    /// exploded; never chosen) or `failed` (an error, in `message`; a sweep retries it).
    public enum Status: String, Codable, Sendable {
        case done, diverged, failed
    }

    /// The run's key: SHA-256 hex of its `RunIdentity` (the primary key).
    public var key: String
    /// The experiment that planned the run (`ExperimentSpec.name`, default `experiment`).
    public var experiment: String
    /// The checkpoint path as the spec named it (the identity holds its content hash).
    public var checkpoint: String
    /// SHA-256 of the checkpoint file, lowercase hexadecimal.
    public var checkpointSHA256: String
    /// The model's architecture name, from the checkpoint's configuration.
    public var architecture: String
    /// The shift as the spec wrote it, or the name it gave it (the label of tables).
    public var shift: String
    /// The method as canonical `MethodSpec` text.
    public var method: String
    /// Tune examples per class (or per group, for grouped shifts).
    public var targetSize: Int
    /// The learning rate, the `Float` setting read back through its decimal text (1e-4 stays 0.0001).
    public var learningRate: Double
    /// The method's hyperparameter at this grid point (L1-SP's λ, Auto-SNR's threshold); nil if it has none.
    public var hyperparameter: Double?
    /// The fine-tuning seed, its `UInt64` bit pattern stored as a signed integer.
    public var seed: Int64
    /// `RunConfiguration` as JSON.
    public var configuration: String
    /// `done`, `diverged` or `failed`.
    public var status: Status
    /// Why the run failed; nil otherwise.
    public var message: String?
    /// What the run trained: the selection of a surgical method, or the block Cross-Val chose; nil if
    /// the method records none or the run failed.
    public var selection: String?
    /// Parameter elements (scalars) that trained; nil for a failed run.
    public var trainableParameters: Int?
    /// The epoch with the best validation accuracy, 1-based; nil when no epoch finished.
    public var bestEpoch: Int?
    /// Best target-validation accuracy, in [0, 1].
    public var bestValidationAccuracy: Double?
    /// Test accuracy in [0, 1] at the best epoch.
    public var testAccuracy: Double?
    /// Mean cross-entropy on the test set at the best epoch.
    public var testLoss: Double?
    /// The lowest test accuracy over (label, attribute) groups, for spurious-correlation shifts; nil otherwise.
    public var worstGroupAccuracy: Double?
    /// The whole `RunResult` as JSON (nil for failed runs).
    public var result: String?
    /// Wall-clock seconds the run took.
    public var seconds: Double
    /// When the run started.
    public var startedAt: Date
    /// When the record was made (the run's end).
    public var finishedAt: Date
    /// The commit of the tool that computed the run (`ToolVersion.commit`; `-dirty` when uncommitted).
    public var toolCommit: String

    enum CodingKeys: String, CodingKey {
        case key, experiment, checkpoint, architecture, shift, method, seed, configuration, status, message, selection
        case hyperparameter, result, seconds
        case checkpointSHA256 = "checkpoint_sha256", targetSize = "target_size", learningRate = "learning_rate"
        case trainableParameters = "trainable_parameters", bestEpoch = "best_epoch"
        case bestValidationAccuracy = "best_validation_accuracy", testAccuracy = "test_accuracy", testLoss = "test_loss"
        case worstGroupAccuracy = "worst_group_accuracy", startedAt = "started_at", finishedAt = "finished_at"
        case toolCommit = "tool_commit"
    }

    /// The record of a finished (done or diverged) run.
    public init(planned: PlannedRun, result: RunResult, trainableParameters: Int, startedAt: Date, toolCommit: String) {
        self.init(planned: planned, status: result.status == .done ? .done : .diverged, message: nil,
                  seconds: result.seconds, startedAt: startedAt, toolCommit: toolCommit)
        selection = result.selection
        self.trainableParameters = trainableParameters
        bestEpoch = result.bestEpoch
        bestValidationAccuracy = result.bestValidationAccuracy
        testAccuracy = result.test?.accuracy
        testLoss = result.test?.loss
        worstGroupAccuracy = result.test?.worstGroupAccuracy
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        self.result = (try? encoder.encode(result)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A run with no result: `failed` with `message`.
    public init(planned: PlannedRun, status: Status, message: String?, seconds: Double, startedAt: Date, toolCommit: String) {
        let id = planned.identity
        key = planned.key
        experiment = planned.configuration.experiment
        checkpoint = planned.configuration.checkpointPath
        checkpointSHA256 = id.checkpointSHA256
        architecture = id.architecture
        shift = planned.configuration.shiftLabel
        method = id.method
        targetSize = id.targetSize
        learningRate = Double("\(id.learningRate)") ?? Double(id.learningRate)
        hyperparameter = id.hyperparameter
        seed = Int64(bitPattern: id.seed)
        configuration = planned.configuration.json
        self.status = status
        self.message = message
        self.seconds = seconds
        self.startedAt = startedAt
        finishedAt = Date()
        self.toolCommit = toolCommit
    }

    /// The stored `RunResult`, if the run finished and it decodes (`decodeResult()` says why not).
    public func decodedResult() -> RunResult? {
        try? decodeResult()
    }

    /// The stored `RunResult` (nil when there is none); throws when its JSON does not decode.
    public func decodeResult() throws -> RunResult? {
        guard let result else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(RunResult.self, from: Data(result.utf8))
    }

    /// `run 3f2a9c01b7e4 (fmnist-flip all n=4 lr=0.01 seed 0)`: the run, for messages.
    public var label: String {
        "run \(key.prefix(12)) (\(shift) \(method) n=\(targetSize) lr=\(learningRate)" +
            (hyperparameter.map { " h=\($0)" } ?? "") + " seed \(seed))"
    }
}

/// A row of `epochs`: one epoch of a run.
public struct EpochRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The SQL table the rows live in.
    public static let databaseTableName = "epochs"

    /// The `key` of the run in `runs` the epoch belongs to.
    public var runKey: String
    /// The epoch's number, 1-based.
    public var epoch: Int
    /// Mean training loss of the epoch; nil when it was not finite.
    public var trainLoss: Double?
    /// Target-validation accuracy in [0, 1] after the epoch.
    public var validationAccuracy: Double?
    /// Parameter elements that trained during the epoch.
    public var trainableParameters: Int?
    /// Wall-clock seconds of the epoch.
    public var seconds: Double?
    /// Per-tensor learning-rate weights (Auto-RGN, Auto-SNR) as a JSON object.
    public var tensorWeights: String?

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case runKey = "run_key", trainLoss = "train_loss", validationAccuracy = "validation_accuracy"
        case trainableParameters = "trainable_parameters", tensorWeights = "tensor_weights"
    }

    /// The row of `record`, epoch of run `runKey`; a non-finite training loss is stored as nil.
    public init(runKey: String, record: EpochRecord) {
        self.runKey = runKey
        epoch = record.epoch
        trainLoss = record.trainLoss.isFinite ? record.trainLoss : nil
        validationAccuracy = record.validationAccuracy
        trainableParameters = record.trainableParameters
        seconds = record.seconds
        tensorWeights = record.tensorWeights.flatMap { w in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (try? encoder.encode(w)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The decoded per-tensor weights.
    public var weights: [String: Double]? {
        tensorWeights.flatMap { try? JSONDecoder().decode([String: Double].self, from: Data($0.utf8)) }
    }
}

/// A row of `models`: a checkpoint's parameters in forward order, with their blocks (for
/// figures that order and colour tensors as the network does).
public struct ModelRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The SQL table the rows live in.
    public static let databaseTableName = "models"

    /// One parameter tensor of the model.
    public struct Parameter: Codable, Sendable, Equatable {
        /// Its `state_dict` name (`layer1.0.conv1.weight`).
        public var name: String
        /// The name of the block that holds it; empty when no block does.
        public var block: String
        /// Its number of elements.
        public var count: Int
    }

    /// SHA-256 of the checkpoint file, lowercase hexadecimal (the primary key).
    public var checkpointSHA256: String
    /// The model's architecture name.
    public var architecture: String
    /// The checkpoint path as given.
    public var checkpoint: String
    /// `[Parameter]` as JSON.
    public var parameters: String

    enum CodingKeys: String, CodingKey {
        case architecture, checkpoint, parameters
        case checkpointSHA256 = "checkpoint_sha256"
    }

    /// A row from its fields; `parameters` are stored as JSON.
    public init(checkpointSHA256: String, architecture: String, checkpoint: String, parameters: [Parameter]) {
        self.checkpointSHA256 = checkpointSHA256
        self.architecture = architecture
        self.checkpoint = checkpoint
        self.parameters = String(decoding: try! JSONEncoder().encode(parameters), as: UTF8.self)
    }

    /// The layout of `model`: its parameters in forward order, each with its block.
    public init(checkpointSHA256: String, checkpoint: String, model: BlockModel) {
        self.init(checkpointSHA256: checkpointSHA256, architecture: model.architecture, checkpoint: checkpoint,
                  parameters: model.namedParameters().map { name, tensor in
                      Parameter(name: name, block: model.blocks.first { $0.contains(name) }?.name ?? "", count: tensor.count)
                  })
    }

    /// The stored parameters in forward order; empty when the JSON does not decode.
    public var decodedParameters: [Parameter] {
        (try? JSONDecoder().decode([Parameter].self, from: Data(parameters.utf8))) ?? []
    }
}
