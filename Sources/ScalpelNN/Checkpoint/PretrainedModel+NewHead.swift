import PyTorchCheckpoint
import ScalpelEngine
import SafeTensors

extension PretrainedModel {
    /// The checkpoint's network with a fresh classification head for `classes` classes: the
    /// model is rebuilt with `classes` outputs, every tensor but the head's (the last `Linear` in
    /// module order) is loaded from the checkpoint, and the head keeps its seeded initialization
    /// (PyTorch's `nn.Linear` default, U(−1/√in, 1/√in), from `seed`). The checkpoint may be a
    /// safetensors file or a PyTorch `.pth` (read as ``CheckpointFile`` reads it); as in PyTorch, a
    /// missing `num_batches_tracked` keeps the fresh model's count.
    ///
    /// Returns the model and the names of the fresh tensors.
    public func withNewHead(classes: Int, seed: UInt64) throws -> (model: BlockModel, fresh: [String]) {
        guard classes >= 2 else { throw PretrainedModelError(path: path, "a new head needs 2 or more classes, got \(classes)") }
        var config = configuration
        config.classes = classes
        config.seed = seed
        let model = try config.build()
        var headPrefix: String?
        model.visit(prefix: "") { prefix, module in if module is Linear { headPrefix = prefix } }
        guard let headPrefix else { throw PretrainedModelError(path: path, "the model has no Linear head to replace") }
        let file = try CheckpointFile.open(path)
        var fresh = [String]()
        for entry in model.stateDict() {
            if entry.name.hasPrefix(headPrefix) { fresh.append(entry.name); continue }
            if file.entries[entry.name] == nil, entry.name.hasSuffix("num_batches_tracked") { continue }
            guard let stored = file.entries[entry.name], stored.shape == entry.tensor.shape else {
                throw PretrainedModelError(path: path, "tensor '\(entry.name)' missing or of another shape than the model's \(entry.tensor.shape)")
            }
            let values = try file.floats(entry.name)
            entry.tensor.withUnsafeMutableBufferPointer { dst in for i in 0..<dst.count { dst[i] = values[i] } }
        }
        return (model, fresh)
    }
}
