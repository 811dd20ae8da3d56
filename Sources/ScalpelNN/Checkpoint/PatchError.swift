import Foundation
import PyTorchCheckpoint
import SafeTensors
import ScalpelEngine

/// A patch that cannot be made or applied.
public enum PatchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The base checkpoint's SHA-256 is not the one the patch was made from.
    case baseMismatch(patch: String, base: String, baseFileName: String, expected: String, found: String)
    /// The patch holds entries the model lacks, or with other shapes.
    case doesNotFitModel(patch: String, patchArchitecture: String, modelArchitecture: String, unknown: [String],
                         shapeMismatches: [CheckpointError.ShapeMismatch])
    /// The file has no Scalpel patch manifest.
    case notAPatch(path: String)
    /// The manifest is unreadable, too new, or disagrees with the file's tensors.
    case invalidManifest(path: String, reason: String)
    /// A file could not be read.
    case cannotRead(path: String, reason: String)
    /// A file could not be written.
    case cannotWrite(path: String, reason: String)
    /// The patch path is the base checkpoint's.
    case wouldOverwriteBase(path: String)

    /// A message naming the file(s) and the problem; a hash mismatch gives both hashes and the base's
    /// recorded file name, a misfit lists every unknown tensor and shape mismatch.
    public var description: String {
        switch self {
        case .baseMismatch(let patch, let base, let name, let expected, let found):
            return """
                \(patch): refusing to apply to \(base): base checkpoint hash mismatch
                  the patch was made from a base with SHA-256 \(expected) (\(name))
                  \(base) has SHA-256 \(found)
                """
        case .doesNotFitModel(let patch, let patchArch, let modelArch, let unknown, let shapes):
            var lines = ["\(patch): patch (made for \(patchArch)) does not fit the model (\(modelArch))"]
            if !unknown.isEmpty {
                lines.append("  tensors unknown to the model (\(unknown.count)): \(unknown.joined(separator: ", "))")
            }
            for s in shapes {
                lines.append("  shape mismatch for \(s.name): model has \(s.expected), patch has \(s.found)")
            }
            return lines.joined(separator: "\n")
        case .notAPatch(let path):
            return "\(path): not a Scalpel patch (no \"\(Patch.metadataKey)\" manifest in its metadata)"
        case .invalidManifest(let path, let reason):
            return "\(path): invalid patch manifest: \(reason)"
        case .cannotRead(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write: \(reason)"
        case .wouldOverwriteBase(let path):
            return "\(path): the patch would overwrite its own base checkpoint; choose another path"
        }
    }
}
