import Foundation

/// What a patch is and where it came from: stored in the patch file's safetensors metadata
/// (under `Patch.metadataKey`, so it travels with the tensors) and, pretty-printed, beside it
/// in `<patch>.json` for people and scripts.
///
/// The base checkpoint is identified by the SHA-256 of its file: a patch only reproduces the
/// fine-tuned model on top of exactly the bytes it was diffed against.
public struct PatchManifest: Codable, Sendable, Equatable {
    /// The manifest format; readers refuse versions newer than `Patch.formatVersion`.
    public let formatVersion: Int
    /// SHA-256 (lowercase hex) of the base checkpoint file.
    public let baseSHA256: String
    /// The base checkpoint's file name when the patch was made (informational; the hash decides).
    public let baseFileName: String
    /// The model's architecture (`BlockModel.architecture`, else its type name).
    public let baseArchitecture: String
    /// The selection text of what was fine-tuned (e.g. `block1`).
    public let selection: String
    /// The fine-tuning method (e.g. `surgical`, `auto-rgn`).
    public let method: String
    /// Hyperparameters as given (learning rate, epochs, BatchNorm policy, …).
    public let hyperparameters: [String: String]
    /// Results of the fine-tuning (accuracies, losses).
    public let metrics: [String: Double]
    /// The state entries the patch holds, in `state_dict` order.
    public let tensors: [String]
    /// Whether the patch holds buffers (BatchNorm running statistics) that changed.
    public let batchNormStatistics: Bool
    /// When the patch was made (ISO 8601, UTC).
    public let createdAt: String
    /// The Scalpel version that made the patch.
    public let scalpelVersion: String

    /// A manifest with these fields, stored as given (nothing is validated here); the format version and
    /// Scalpel version default to the current ones.
    public init(formatVersion: Int = Patch.formatVersion, baseSHA256: String, baseFileName: String,
                baseArchitecture: String, selection: String, method: String, hyperparameters: [String: String],
                metrics: [String: Double], tensors: [String], batchNormStatistics: Bool, createdAt: String,
                scalpelVersion: String = Patch.scalpelVersion) {
        self.formatVersion = formatVersion
        self.baseSHA256 = baseSHA256
        self.baseFileName = baseFileName
        self.baseArchitecture = baseArchitecture
        self.selection = selection
        self.method = method
        self.hyperparameters = hyperparameters
        self.metrics = metrics
        self.tensors = tensors
        self.batchNormStatistics = batchNormStatistics
        self.createdAt = createdAt
        self.scalpelVersion = scalpelVersion
    }

    /// The manifest as JSON with sorted keys (pretty-printed for the side file, compact for the
    /// metadata). Non-finite metrics (a diverged run) are written as the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public func json(pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Parses a manifest written by `json(pretty:)`.
    public init(json: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        self = try decoder.decode(PatchManifest.self, from: json)
    }
}
