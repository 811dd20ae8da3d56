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
    public var checkpointSHA256: String
    public var architecture: String
    /// Canonical ShiftSpec text.
    public var shift: String
    /// Canonical MethodSpec text.
    public var method: String
    /// Tune examples per class (or per group).
    public var targetSize: Int
    public var validationPerClass: Int
    /// Test examples per class; nil = every remaining one.
    public var testPerClass: Int?
    public var splitsByGroup: Bool
    public var splitSeed: UInt64
    public var learningRate: Float
    public var hyperparameter: Double?
    public var seed: UInt64
    public var options: TrainingOptions

    /// The canonical JSON: sorted keys, no whitespace.
    public var canonicalJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// SHA-256 of the canonical JSON, hexadecimal.
    public var key: String { FileHash.sha256(canonicalJSON) }

    public var gridPoint: GridPoint { GridPoint(learningRate: learningRate, hyperparameter: hyperparameter, seed: seed) }
}

/// What the database records as a run's configuration: its identity plus where it came from.
public struct RunConfiguration: Codable, Sendable {
    public var identity: RunIdentity
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

    public init(identity: RunIdentity, experiment: String, checkpointPath: String, shiftLabel: String,
                hyperparameterName: String?, componentOf: String? = nil) {
        self.identity = identity
        self.experiment = experiment
        self.checkpointPath = checkpointPath
        self.shiftLabel = shiftLabel
        self.hyperparameterName = hyperparameterName
        self.componentOf = componentOf
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
