import SafeTensors
import ScalpelEngine

/// How to find a model's tensors in a checkpoint.
public struct StateDictOptions: Sendable {
    /// Where the state dict is in the saved object.
    public enum Location: Sendable, Equatable {
        /// The saved object itself when it holds tensors, else the first of `StateDict.nestingKeys`
        /// that holds tensors, else the only dict entry that does.
        case automatic
        /// The saved object itself.
        case root
        /// The dict under this key of the saved object (`"state_dict"`, `"model"`, …).
        case key(String)
    }

    /// Which name prefix to remove.
    public enum Prefix: Sendable, Equatable {
        /// `module.` (from `nn.DataParallel`, repeatedly), then `model.`, each when every name has it.
        case automatic
        /// Names as stored.
        case keep
        /// This prefix, which every name must have.
        case strip(String)
    }

    /// Where the state dict is (default: found automatically).
    public var location: Location
    /// Which name prefix to remove (default: `module.`/`model.` when every name has it).
    public var prefix: Prefix

    /// Options with the given location and prefix rule; both default to `.automatic`.
    public init(location: Location = .automatic, prefix: Prefix = .automatic) {
        self.location = location
        self.prefix = prefix
    }
}

/// A model's tensors from a checkpoint, under the names they will be loaded with.
public struct StateDict: Sendable {
    /// Tensor names in the file's order.
    public let names: [String]
    /// The tensors by (stripped) name.
    public let tensors: [String: TorchTensor]
    /// The key of the saved object the tensors were found under (nil: the object itself).
    public let key: String?
    /// The prefix removed from every name (nil: none).
    public let strippedPrefix: String?
    /// Entries of the state dict that are not tensors (left out).
    public let skipped: [String]

    /// Keys under which training scripts commonly nest a state dict, tried in this order.
    public static let nestingKeys = ["state_dict", "model_state_dict", "model", "net", "network", "module", "ema"]

    /// Every tensor as an engine tensor of `Float`, converted from its dtype exactly as
    /// `SafeTensorsFile.tensor(_:)` converts (float16, bfloat16, float64 rounded; integers as floats).
    public func floatTensors() throws -> [String: Tensor] {
        try safeTensorsFile(path: "<state dict>").tensors()
    }

    /// The tensors as a safetensors file in memory (dtypes kept), so every reader of
    /// `SafeTensorsFile` reads a `.pth` too; `path` names it in errors.
    public func safeTensorsFile(path: String, metadata: [String: String] = [:]) throws -> SafeTensorsFile {
        let data = try SafeTensors.encode(tensors.mapValues(\.value), metadata: metadata)
        return try SafeTensorsFile(data: data, path: path)
    }
}

extension PyTorchCheckpoint {
    /// The model tensors in this checkpoint, found and renamed as `options` say.
    public func stateDict(_ options: StateDictOptions = StateDictOptions()) throws -> StateDict {
        let (key, dict) = try locate(options.location)
        var entries = dict.tensors
        var skipped: [String] = []
        if case .dict(let all) = dict { skipped = all.filter { if case .tensor = $0.value { false } else { true } }.map(\.key) }
        guard !entries.isEmpty else {
            throw PyTorchCheckpointError(path: path, "\(key.map { "'\($0)'" } ?? "the saved object") holds no tensors")
        }
        var stripped = ""
        switch options.prefix {
        case .keep: break
        case .strip(let prefix):
            if let name = entries.first(where: { !$0.name.hasPrefix(prefix) })?.name {
                throw PyTorchCheckpointError(path: path, "tensor '\(name)' does not start with the prefix '\(prefix)'")
            }
            stripped = prefix
        case .automatic:
            func shared(_ p: String) -> Bool { entries.allSatisfy { $0.name.hasPrefix(stripped + p) && $0.name.count > (stripped + p).count } }
            while shared("module.") { stripped += "module." }
            if shared("model.") { stripped += "model." }
        }
        if !stripped.isEmpty { entries = entries.map { (String($0.name.dropFirst(stripped.count)), $0.tensor) } }
        var tensors: [String: TorchTensor] = [:]
        for e in entries where tensors.updateValue(e.tensor, forKey: e.name) != nil {
            throw PyTorchCheckpointError(path: path, "tensor '\(e.name)' appears twice")
        }
        return StateDict(names: entries.map(\.name), tensors: tensors, key: key,
                         strippedPrefix: stripped.isEmpty ? nil : stripped, skipped: skipped)
    }

    private func locate(_ location: StateDictOptions.Location) throws -> (String?, CheckpointValue) {
        guard case .dict(let entries) = root else {
            throw PyTorchCheckpointError(path: path, "the saved object is a \(root.kind), not a dict of tensors")
        }
        switch location {
        case .root: return (nil, root)
        case .key(let key):
            guard let value = root[key] else {
                throw PyTorchCheckpointError(path: path, "has no key '\(key)'; its keys: \(Self.list(entries.map(\.key)))")
            }
            return (key, value)
        case .automatic:
            if !root.tensors.isEmpty { return (nil, root) }
            for key in StateDict.nestingKeys { if let v = root[key], !v.tensors.isEmpty { return (key, v) } }
            let holding = entries.filter { !$0.value.tensors.isEmpty }
            if holding.count == 1 { return (holding[0].key, holding[0].value) }
            throw PyTorchCheckpointError(path: path, holding.isEmpty
                ? "no dict of tensors found; its keys: \(Self.list(entries.map { "\($0.key) (\($0.value.kind))" }))"
                : "several dicts of tensors (\(Self.list(holding.map(\.key)))); choose one by its key")
        }
    }

    /// A list for an error message, shortened after 8 items.
    static func list(_ items: [String]) -> String {
        let shown = items.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
        return items.count > 8 ? shown + ", … (\(items.count) in all)" : shown
    }
}
