import Foundation
import PyTorchCheckpoint
import SafeTensors
import ScalpelEngine

/// Saving and loading a model's state as safetensors under PyTorch's `state_dict` names,
/// so checkpoints move between Scalpel and PyTorch unchanged
/// (`model.load_state_dict(safetensors.torch.load_file(path))`).
public enum Checkpoint {
    /// Writes the model's parameters and buffers to `path` atomically.
    public static func save(_ model: Module, to path: String, metadata: [String: String] = [:]) throws {
        var values: [String: TensorValue] = [:]
        for e in model.stateDict() { values[e.name] = value(e) }
        try SafeTensors.write(values, metadata: metadata, to: path)
    }

    /// The stored form of a state entry.
    static func value(_ e: StateEntry) -> TensorValue {
        switch e.storedAs {
        case .float32: .float32(e.tensor)
        case .int64: .int64s(e.tensor.toArray().map { Int64($0) }, shape: e.tensor.shape)
        }
    }

    /// Loads `path` (safetensors, or a PyTorch `.pth` told apart by its content) into `model`.
    /// Every key must match: missing keys, unexpected keys and shape mismatches are all reported
    /// together in one `CheckpointError`, and nothing is changed unless everything matches. As in
    /// PyTorch, a missing BatchNorm `num_batches_tracked` is allowed (the model keeps its own).
    public static func load(_ model: Module, from path: String) throws {
        let file = try CheckpointFile.open(path)
        try load(model, from: file)
    }

    /// Loads an already opened file into `model` (see `load(_:from:)`).
    public static func load(_ model: Module, from file: SafeTensorsFile) throws {
        let state = model.stateDict()
        try checkFits(state, file)
        // Entries the file lacks passed checkFits only where PyTorch is lenient (`num_batches_tracked`):
        // the model keeps its own value there.
        let present = state.filter { file.contains($0.name) }
        var loaded: [[Float]] = []
        for e in present {
            let values = try file.floats(e.name)
            try checkValues(values, name: e.name, path: file.path)
            loaded.append(values)
        }
        for (e, values) in zip(present, loaded) {
            e.tensor.withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] = values[i] }
            }
        }
    }
}

extension Checkpoint {
    /// The state entries a checkpoint may leave out (PyTorch's `load_state_dict` accepts their absence).
    static let lenientSuffix = ".num_batches_tracked"

    /// Throws one `CheckpointError` listing every missing key, unexpected key and shape
    /// mismatch between a model's state and a file; returns when they fit exactly.
    static func checkFits(_ state: [StateEntry], _ file: SafeTensorsFile) throws {
        var mismatch = CheckpointError(path: file.path)
        let known = Set(state.map(\.name))
        mismatch.unexpected = file.names.filter { !known.contains($0) }
        for e in state {
            guard let entry = file.entries[e.name] else {
                if !("." + e.name).hasSuffix(lenientSuffix) { mismatch.missing.append(e.name) }
                continue
            }
            if entry.shape != e.tensor.shape {
                mismatch.shapeMismatches.append(.init(name: e.name, expected: e.tensor.shape, found: entry.shape))
            }
        }
        guard mismatch.isEmpty else { throw mismatch }
    }
}

/// A checkpoint that does not fit the model: every problem at once.
public struct CheckpointError: Error, CustomStringConvertible {
    /// A tensor present in both the model and the file, with different shapes.
    public struct ShapeMismatch: Sendable, Equatable {
        /// The tensor's `state_dict` name.
        public let name: String
        /// The shape in the model.
        public let expected: [Int]
        /// The shape in the checkpoint.
        public let found: [Int]
    }
    /// The checkpoint file.
    public let path: String
    /// Names the model has and the file lacks (a missing `num_batches_tracked` is not listed).
    public var missing: [String] = []
    /// Names the file has and the model lacks, in the file's order.
    public var unexpected: [String] = []
    /// Names whose shapes differ, in `state_dict` order.
    public var shapeMismatches: [ShapeMismatch] = []

    /// An error about `path` with no problem listed yet (one that lists none is never thrown).
    public init(path: String) { self.path = path }

    /// How many names of each list the description shows.
    static let shown = 12

    static func shortened(_ names: [String]) -> String {
        names.prefix(shown).joined(separator: ", ") + (names.count > shown ? ", … (\(names.count - shown) more)" : "")
    }

    var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty }

    /// A first line naming the file, then one line each for missing keys, unexpected keys and shape
    /// mismatches, showing at most 12 names per list and saying how many more there are.
    public var description: String {
        var lines = ["\(path): checkpoint does not match the model"]
        if !missing.isEmpty { lines.append("  missing keys (\(missing.count)): \(Self.shortened(missing))") }
        if !unexpected.isEmpty { lines.append("  unexpected keys (\(unexpected.count)): \(Self.shortened(unexpected))") }
        for s in shapeMismatches.prefix(Self.shown) {
            lines.append("  shape mismatch for \(s.name): model has \(s.expected), checkpoint has \(s.found)")
        }
        if shapeMismatches.count > Self.shown { lines.append("  … and \(shapeMismatches.count - Self.shown) more shape mismatches") }
        return lines.joined(separator: "\n")
    }
}
