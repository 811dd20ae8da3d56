import Foundation
import SafeTensors

extension PyTorchCheckpoint {
    /// Writes the state dict of the `.pth` file at `input` to `output` as safetensors (dtypes
    /// kept, `metadata` recorded in the header), through a temporary file renamed into place.
    /// Refuses to write over `input` itself, and over an existing `output` unless `replace`.
    @discardableResult
    public static func convert(_ input: String, to output: String, options: StateDictOptions = StateDictOptions(),
                               metadata: [String: String] = [:], replace: Bool = false) throws -> StateDict {
        let resolved = { (p: String) in URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        guard resolved(input) != resolved(output) else {
            throw PyTorchCheckpointError(path: input, "the output '\(output)' is the input file itself; choose another path")
        }
        guard replace || !FileManager.default.fileExists(atPath: output) else {
            throw PyTorchCheckpointError(path: input, "the output '\(output)' already exists (not replaced without being asked to)")
        }
        let state = try PyTorchCheckpoint(contentsOf: input).stateDict(options)
        try SafeTensors.write(state.tensors.mapValues(\.value), metadata: metadata, to: output)
        return state
    }
}
