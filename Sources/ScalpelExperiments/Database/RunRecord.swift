import Foundation
import GRDB
import ScalpelNN
import ScalpelTuning

/// A row of `runs`: one grid point's configuration and outcome (see `ResultsSchema`).
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"

    public enum Status: String, Codable, Sendable {
        case done, diverged, failed
    }

    public var key: String
    public var experiment: String
    public var checkpoint: String
    public var checkpointSHA256: String
    public var architecture: String
    public var shift: String
    public var method: String
    public var targetSize: Int
    public var learningRate: Double
    public var hyperparameter: Double?
    public var seed: Int64
    /// `RunConfiguration` as JSON.
    public var configuration: String
    public var status: Status
    public var message: String?
    public var selection: String?
    public var trainableParameters: Int?
    public var bestEpoch: Int?
    public var bestValidationAccuracy: Double?
    public var testAccuracy: Double?
    public var testLoss: Double?
    public var worstGroupAccuracy: Double?
    /// The whole `RunResult` as JSON (nil for failed runs).
    public var result: String?
    public var seconds: Double
    public var startedAt: Date
    public var finishedAt: Date
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
    public static let databaseTableName = "epochs"

    public var runKey: String
    public var epoch: Int
    public var trainLoss: Double?
    public var validationAccuracy: Double?
    public var trainableParameters: Int?
    public var seconds: Double?
    /// Per-tensor learning-rate weights (Auto-RGN, Auto-SNR) as a JSON object.
    public var tensorWeights: String?

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case runKey = "run_key", trainLoss = "train_loss", validationAccuracy = "validation_accuracy"
        case trainableParameters = "trainable_parameters", tensorWeights = "tensor_weights"
    }

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
    public static let databaseTableName = "models"

    public struct Parameter: Codable, Sendable, Equatable {
        public var name: String
        public var block: String
        public var count: Int
    }

    public var checkpointSHA256: String
    public var architecture: String
    public var checkpoint: String
    /// `[Parameter]` as JSON.
    public var parameters: String

    enum CodingKeys: String, CodingKey {
        case architecture, checkpoint, parameters
        case checkpointSHA256 = "checkpoint_sha256"
    }

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

    public var decodedParameters: [Parameter] {
        (try? JSONDecoder().decode([Parameter].self, from: Data(parameters.utf8))) ?? []
    }
}
