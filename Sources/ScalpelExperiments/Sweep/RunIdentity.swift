import Foundation
import ScalpelNN
import ScalpelTuning

/// Everything that determines what a run computes, and nothing else: two runs with the same
/// identity are the same run. Its canonical JSON (sorted keys) hashed with SHA-256 is the run's
/// key in the results database, so a sweep resumes by skipping the keys it already holds and
/// shards and merges agree on what a run is.
///
/// The checkpoint enters by content hash, not path, so a moved checkpoint keeps its runs.
public struct RunIdentity: Codable, Sendable, Equatable {
    /// SHA-256 of the checkpoint file, lowercase hexadecimal (content, not path).
    public var checkpointSHA256: String
    /// The model's architecture name, from the checkpoint's configuration.
    public var architecture: String
    /// Canonical ShiftSpec text.
    public var shift: String
    /// Canonical MethodSpec text.
    public var method: String
    /// Tune examples per class (or per group).
    public var targetSize: Int
    /// Validation examples per class (or per group).
    public var validationPerClass: Int
    /// Test examples per class; nil = every remaining one.
    public var testPerClass: Int?
    /// Whether the split is stratified by the data's groups (`ImageSet.groups`) instead of by label.
    public var splitsByGroup: Bool
    /// Seed of the target split (the same split for every fine-tuning seed).
    public var splitSeed: UInt64
    /// The learning rate of this grid point.
    public var learningRate: Float
    /// The method's hyperparameter at this grid point (L1-SP's λ, Auto-SNR's threshold); nil if it has none.
    public var hyperparameter: Double?
    /// The fine-tuning seed.
    public var seed: UInt64
    /// Epochs, batch size, optimizer, weight decay, BatchNorm policy and augmentation of the run.
    public var options: TrainingOptions

    /// The canonical JSON: sorted keys, no whitespace.
    public var canonicalJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// SHA-256 of the canonical JSON, hexadecimal.
    public var key: String { FileHash.sha256(canonicalJSON) }

    /// The run's learning rate, hyperparameter and seed as a `GridPoint`.
    public var gridPoint: GridPoint { GridPoint(learningRate: learningRate, hyperparameter: hyperparameter, seed: seed) }
}

/// What the database records as a run's configuration: its identity plus where it came from.
public struct RunConfiguration: Codable, Sendable {
    /// What the run computes; hashed into its key.
    public var identity: RunIdentity
    /// The experiment that planned the run (`ExperimentSpec.name`, default `experiment`).
    public var experiment: String
    /// The checkpoint path as the spec named it.
    public var checkpointPath: String
    /// The shift as the spec wrote it (the identity holds the canonical form), for tables.
    public var shiftLabel: String
    /// The name of the method's hyperparameter (`lambda`, `threshold`), if any.
    public var hyperparameterName: String?
    /// The method (`cross-val`) whose block run this is, when the sweep recorded it only as a
    /// part of that method's run (`SweepBlockRuns`); nil for a run of the sweep's own plan.
    /// Reports leave such runs out of their method rows. Not part of the identity.
    public var componentOf: String?

    /// The configuration a stored `json` holds, nil when it does not decode.
    public init?(json: String) {
        guard let decoded = try? JSONDecoder().decode(RunConfiguration.self, from: Data(json.utf8)) else { return nil }
        self = decoded
    }

    /// A configuration from its parts, taken as given; `componentOf` names the method a block run
    /// belongs to (nil for the sweep's own runs).
    public init(identity: RunIdentity, experiment: String, checkpointPath: String, shiftLabel: String,
                hyperparameterName: String?, componentOf: String? = nil) {
        self.identity = identity
        self.experiment = experiment
        self.checkpointPath = checkpointPath
        self.shiftLabel = shiftLabel
        self.hyperparameterName = hyperparameterName
        self.componentOf = componentOf
    }

    /// The configuration as JSON with sorted keys, as stored in `runs.configuration`.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
