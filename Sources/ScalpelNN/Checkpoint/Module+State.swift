import ScalpelEngine

/// One entry of a model's state: a parameter or a buffer under its PyTorch name.
public struct StateEntry {
    /// The full dotted `state_dict` name (`layer1.0.bn1.running_mean`).
    public let name: String
    /// The module's own tensor (not a copy): loading writes into it.
    public let tensor: Tensor
    /// How the entry is stored in checkpoints (`int64` for `num_batches_tracked`, else Float32).
    public let storedAs: StoredType
    /// Whether the entry is a parameter (trainable) rather than a buffer.
    public let isParameter: Bool
}

extension Module {
    /// Parameters and buffers under their `state_dict` names, in PyTorch's order
    /// (each module's parameters, then its buffers, then its children).
    public func stateDict() -> [StateEntry] {
        var out: [StateEntry] = []
        visit(prefix: "") { prefix, m in
            for (n, p) in m.ownParameters() { out.append(StateEntry(name: prefix + n, tensor: p, storedAs: .float32, isParameter: true)) }
            for (n, b) in m.ownBuffers() {
                out.append(StateEntry(name: prefix + n, tensor: b.tensor, storedAs: b.storedAs, isParameter: false))
            }
        }
        return out
    }

    /// A copy of every state tensor's values, keyed by name (to restore later).
    public func snapshot() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: stateDict().map { ($0.name, $0.tensor.clone()) })
    }

    /// Restores values saved by `snapshot()` in place (gradients are left alone).
    public func restore(_ snapshot: [String: Tensor]) {
        for e in stateDict() {
            if let saved = snapshot[e.name] { e.tensor.copyValues(from: saved) }
        }
    }
}
