import Foundation
import SafeTensors
import ScalpelNN

/// A pre-trained checkpoint of a sweep: its file, the architecture its metadata names, and the
/// content hash that identifies it in run keys (so a moved file keeps its finished runs).
///
/// Metadata keys (written by `scalpel pretrain`): `scalpel.architecture`, `scalpel.width`,
/// `scalpel.in_channels`, `scalpel.classes`, and optionally `scalpel.image_size` (default 28).
public struct CheckpointSource: Sendable, Equatable, Codable {
    /// The path as resolved on this machine.
    public let path: String
    public let sha256: String
    public let configuration: ModelConfiguration
    public let metadata: [String: String]

    /// Reads the header and metadata of `path` and hashes the file; throws a message for `SpecError`.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw SpecError("", "no checkpoint at '\(path)'") }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(contentsOf: path) } catch {
            throw SpecError("", "'\(path)' is not a readable safetensors checkpoint: \(error)")
        }
        let m = file.metadata
        guard let architecture = m["scalpel.architecture"] else {
            throw SpecError("", "'\(path)' has no 'scalpel.architecture' in its metadata (write it with scalpel pretrain)")
        }
        func integer(_ key: String, default value: Int) throws -> Int {
            guard let text = m[key] else { return value }
            guard let v = Int(text), v > 0 else { throw SpecError("", "'\(path)': metadata \(key) = '\(text)' is not a positive integer") }
            return v
        }
        self.path = path
        self.metadata = m
        self.configuration = ModelConfiguration(
            architecture: architecture, inChannels: try integer("scalpel.in_channels", default: 1),
            classes: try integer("scalpel.classes", default: 10), width: try integer("scalpel.width", default: 1),
            imageSize: try integer("scalpel.image_size", default: 28))
        self.sha256 = try FileHash.sha256(ofFile: path)
    }

    /// The model with the checkpoint's weights loaded.
    public func loadModel() throws -> BlockModel {
        let model = try configuration.build()
        try Checkpoint.load(model, from: path)
        return model
    }

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
