import Foundation
import ScalpelAdaptation
import ScalpelNN

/// Everything that determines what a test-time adaptation run computes: the checkpoint (by
/// content), the test images (canonical shift, split seed, the first `testSize` images of the
/// target test split with the shift's default split sizes), the adaptation settings and the
/// seed of MEMO's augmentations. Its canonical JSON hashed with SHA-256 is the run's key in
/// `adaptation_runs`, so `scalpel adapt --db` and a sweep's `adaptation:` section name the same
/// run by the same key, a sweep resumes by skipping finished keys, and merges deduplicate.
///
/// How often the curve is sampled (`every`) is not part of the identity: it changes what is
/// recorded about a run, not what the run predicts.
public struct AdaptationIdentity: Codable, Sendable, Equatable {
    /// Always `adaptation`, so no adaptation key can equal a fine-tuning run's key.
    public var run = "adaptation"
    /// SHA-256 of the checkpoint file, lowercase hexadecimal (content, not path).
    public var checkpointSHA256: String
    /// The model's architecture name, from the checkpoint's configuration.
    public var architecture: String
    /// Canonical ShiftSpec text.
    public var shift: String
    /// Seed of the target split the test images are drawn from.
    public var splitSeed: UInt64
    /// Test images requested (the first N of the target test split).
    public var testSize: Int
    /// The method, mode, selection, optimizer and method-specific settings of the run.
    public var settings: AdaptationSettings
    /// Seed of the run (MEMO's augmentations).
    public var seed: UInt64

    /// An identity from its parts, taken as given (validation happens when a spec is planned).
    public init(checkpointSHA256: String, architecture: String, shift: String, splitSeed: UInt64, testSize: Int,
                settings: AdaptationSettings, seed: UInt64) {
        self.checkpointSHA256 = checkpointSHA256
        self.architecture = architecture
        self.shift = shift
        self.splitSeed = splitSeed
        self.testSize = testSize
        self.settings = settings
        self.seed = seed
    }

    /// The canonical JSON: sorted keys, no whitespace.
    public var canonicalJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// SHA-256 of the canonical JSON, hexadecimal.
    public var key: String { FileHash.sha256(canonicalJSON) }

    /// The key of the identity with seed 0: runs that differ only in their seed share it, and
    /// a report summarizes them together (mean and standard error over seeds).
    public var cellKey: String {
        var unseeded = self
        unseeded.seed = 0
        return unseeded.key
    }
}

/// What the database records as an adaptation run's configuration: its identity plus where it
/// came from and how its curve was sampled.
public struct AdaptationConfiguration: Codable, Sendable {
    /// What the run computes; hashed into its key.
    public var identity: AdaptationIdentity
    /// The experiment that planned the run: the spec's `name` in a sweep; for a single
    /// `scalpel adapt` run, the name it was given (default `adapt`).
    public var experiment: String
    /// The checkpoint path as given.
    public var checkpointPath: String
    /// The shift as written (the identity holds the canonical form), for tables.
    public var shiftLabel: String
    /// A curve point every `every` images.
    public var every: Int

    /// A configuration from its parts, taken as given.
    public init(identity: AdaptationIdentity, experiment: String, checkpointPath: String, shiftLabel: String, every: Int) {
        self.identity = identity
        self.experiment = experiment
        self.checkpointPath = checkpointPath
        self.shiftLabel = shiftLabel
        self.every = every
    }

    /// The configuration as JSON with sorted keys, as stored in `adaptation_runs.configuration`.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// One adaptation run, planned: its configuration and key.
public struct PlannedAdaptation: Sendable {
    /// The run's configuration.
    public let configuration: AdaptationConfiguration
    /// The run's key: SHA-256 hex of `configuration.identity` (`AdaptationIdentity.key`).
    public let key: String

    /// The run of `configuration`, its key computed once.
    public init(_ configuration: AdaptationConfiguration) {
        self.configuration = configuration
        key = configuration.identity.key
    }

    /// The run's identity (`configuration.identity`).
    public var identity: AdaptationIdentity { configuration.identity }
}
