import Foundation
import SafeTensors

/// Opens a checkpoint of either format, told apart by its first bytes (not its extension):
/// a safetensors file as it is, a PyTorch `.pth` file as the safetensors file of its state dict.
public enum CheckpointFile {
    /// The checkpoint formats Scalpel reads.
    public enum Format: String, Sendable {
        /// A safetensors file (8-byte header length, JSON header, data).
        case safetensors
        /// A file written by `torch.save` (zip archive or legacy pickle stream).
        case pytorch
    }

    /// The format of the file at `path`, from its first bytes.
    public static func format(of path: String) throws -> Format {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PyTorchCheckpointError(path: path, "cannot open the file")
        }
        defer { try? handle.close() }
        let prefix = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        return PyTorchCheckpoint.looksLikePyTorch(prefix) ? .pytorch : .safetensors
    }

    /// Checkpoint bytes already read (e.g. to hash them too) as a safetensors file; `path` names
    /// them in errors. The format is told from the first bytes, as by `open(_:options:)`.
    public static func open(data: Data, path: String, options: StateDictOptions = StateDictOptions()) throws -> SafeTensorsFile {
        guard PyTorchCheckpoint.looksLikePyTorch([UInt8](data.prefix(16))) else { return try SafeTensorsFile(data: data, path: path) }
        return try PyTorchCheckpoint(bytes: [UInt8](data), path: path).stateDict(options).safeTensorsFile(path: path)
    }

    /// The checkpoint at `path` as a safetensors file (a `.pth` is converted in memory, its
    /// state dict found and renamed as `options` say; dtypes are kept).
    public static func open(_ path: String, options: StateDictOptions = StateDictOptions()) throws -> SafeTensorsFile {
        // A file that cannot be opened is left to the safetensors reader, whose errors say why.
        guard (try? format(of: path)) == .pytorch else { return try SafeTensorsFile(contentsOf: path) }
        return try PyTorchCheckpoint(contentsOf: path).stateDict(options).safeTensorsFile(path: path)
    }
}
