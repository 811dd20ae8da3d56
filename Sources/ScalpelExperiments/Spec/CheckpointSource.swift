import Foundation
import ScalpelNN

/// A pre-trained checkpoint of a sweep: its file, the architecture its metadata names (read by
/// `PretrainedModel`: `scalpel.architecture`, `scalpel.width`, `scalpel.in_channels`,
/// `scalpel.classes`, `scalpel.image_size`), and the content hash that identifies it in run keys,
/// so a moved file keeps its finished runs.
public struct CheckpointSource: Sendable, Equatable, Codable {
    /// The path as resolved on this machine.
    public let path: String
    /// SHA-256 of the file's bytes, lowercase hexadecimal (`FileHash.sha256(ofFile:)`); part of every run key.
    public let sha256: String
    /// The model the checkpoint builds (architecture, width, channels, classes, image size).
    public let configuration: ModelConfiguration
    /// The checkpoint's `__metadata__` entries, as read by `PretrainedModel`.
    public let metadata: [String: String]

    /// Opens `path`: its model with the weights loaded, and the source that describes it.
    /// Errors are `SpecError`s without a field, for the caller to name it.
    public static func open(_ path: String) throws -> (source: CheckpointSource, model: BlockModel) {
        guard FileManager.default.fileExists(atPath: path) else { throw SpecError("", "no checkpoint at '\(path)'") }
        let pretrained: PretrainedModel
        do { pretrained = try PretrainedModel(path: path) } catch {
            throw SpecError("", "checkpoint '\(path)' does not load: \(error)")
        }
        let source = CheckpointSource(path: path, sha256: try FileHash.sha256(ofFile: path),
                                      configuration: pretrained.configuration, metadata: pretrained.metadata)
        return (source, pretrained.model)
    }

    init(path: String, sha256: String, configuration: ModelConfiguration, metadata: [String: String]) {
        self.path = path
        self.sha256 = sha256
        self.configuration = configuration
        self.metadata = metadata
    }

    /// The model with the checkpoint's weights loaded.
    public func loadModel() throws -> BlockModel { try PretrainedModel(path: path).model }

    /// Resolves `path` against the spec's directory first, then the working directory.
    public static func resolve(_ path: String, relativeTo specDirectory: String?) -> String {
        if path.hasPrefix("/") { return path }
        if let dir = specDirectory {
            let candidate = URL(fileURLWithPath: dir).appendingPathComponent(path).standardized.path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return path
    }
}
