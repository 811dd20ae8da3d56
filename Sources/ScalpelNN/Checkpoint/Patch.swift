import Foundation
import PyTorchCheckpoint
import SafeTensors
import ScalpelEngine

/// Fine-tuning patches: only what a fine-tuning changed, applied on top of the base checkpoint
/// it was made from.
///
/// A surgical fine-tuning changes a few blocks of a large network, so storing the whole model
/// for every target distribution wastes space and hides what changed. A patch holds the state
/// entries whose values differ from the base checkpoint — the tuned parameters, and the
/// BatchNorm running statistics when fine-tuning ran BN in training mode — as a safetensors
/// file under their `state_dict` names, with a `PatchManifest` (the base's SHA-256, the
/// selection, method, hyperparameters, metrics) in the file's metadata and in `<patch>.json`.
///
/// Applying loads the base checkpoint, then overwrites the patched entries; it refuses a base
/// whose SHA-256 differs from the manifest's, since the untouched entries would then come from
/// a different model. Entries are compared bit for bit against the base file itself, so
/// base + patch reproduces the fine-tuned state exactly.
public enum Patch {
    /// The current manifest format.
    public static let formatVersion = 1
    /// The Scalpel version recorded in manifests.
    public static let scalpelVersion = ScalpelVersion.current
    /// The safetensors metadata key holding the manifest JSON.
    public static let metadataKey = "scalpel.patch"

    /// The JSON side file written beside a patch: `<patchPath>.json`.
    public static func manifestPath(for patchPath: String) -> String { patchPath + ".json" }

    /// Writes a patch of `model` against the checkpoint at `baseCheckpointPath` (the checkpoint
    /// the fine-tuning started from) to `path`, and its manifest to `path.json`; both atomically.
    ///
    /// Every state entry whose values differ bitwise from the base file's is included:
    /// parameters (whatever the selection said, so the patch is exact even if something else
    /// moved) and buffers such as BN running statistics and `num_batches_tracked`. The base
    /// file must match the model (same keys and shapes), as `Checkpoint.load` requires.
    ///
    /// - Parameters:
    ///   - model: the fine-tuned model.
    ///   - baseCheckpointPath: the checkpoint the fine-tuning started from.
    ///   - selection: the selection that was fine-tuned (recorded as its canonical text; the
    ///     patch itself holds whatever changed).
    ///   - method: the fine-tuning method's canonical text (recorded). ScalpelTuning's overload
    ///     takes a typed `MethodSpec`.
    ///   - hyperparameters: recorded in the manifest.
    ///   - metrics: recorded in the manifest.
    ///   - path: where the patch goes (never the base checkpoint).
    /// - Returns: the manifest written.
    @discardableResult
    public static func create(model: Module, baseCheckpointPath: String, selection: Selection, method: String,
                              hyperparameters: [String: String] = [:], metrics: [String: Double] = [:],
                              to path: String) throws -> PatchManifest {
        guard canonical(path) != canonical(baseCheckpointPath) else {
            throw PatchError.wouldOverwriteBase(path: path)
        }
        let (base, sha256) = try openBase(baseCheckpointPath)
        let state = model.stateDict()
        try Checkpoint.checkFits(state, base)

        var values: [String: TensorValue] = [:]
        var names: [String] = []
        var statistics = false
        for e in state {
            // An entry the base may lack (`num_batches_tracked` in a PyTorch file) is always patched.
            let stored = base.contains(e.name) ? try base.floats(e.name) : []
            let current = e.tensor.toArray()
            let same = stored.count == current.count && zip(stored, current).allSatisfy { $0.bitPattern == $1.bitPattern }
            guard !same else { continue }
            values[e.name] = Checkpoint.value(e)
            names.append(e.name)
            if !e.isParameter { statistics = true }
        }

        let manifest = PatchManifest(
            baseSHA256: sha256, baseFileName: URL(fileURLWithPath: baseCheckpointPath).lastPathComponent,
            baseArchitecture: architecture(of: model), selection: selection.description, method: method,
            hyperparameters: hyperparameters, metrics: metrics, tensors: names, batchNormStatistics: statistics,
            createdAt: Date().ISO8601Format())
        let compact = String(decoding: try manifest.json(pretty: false), as: UTF8.self)
        try SafeTensors.write(values, metadata: [metadataKey: compact], to: path)
        do {
            // Foundation's atomic write: a temporary file in the same directory, then rename.
            try manifest.json(pretty: true).write(to: URL(fileURLWithPath: manifestPath(for: path)), options: .atomic)
        } catch {
            throw PatchError.cannotWrite(path: manifestPath(for: path), reason: error.localizedDescription)
        }
        return manifest
    }

    /// Loads the base checkpoint into `model` and applies the patch at `patchPath` on top.
    ///
    /// Refuses (throwing `PatchError`, with `model` untouched) when the base file's SHA-256
    /// differs from the one the patch was made from, when the patch holds entries the model does
    /// not have or with other shapes, or when the file is not a Scalpel patch. A base that does
    /// not fit the model throws `Checkpoint.load`'s `CheckpointError`.
    public static func apply(_ patchPath: String, to model: Module, baseCheckpointPath: String) throws {
        let patch = try SafeTensorsFile(contentsOf: patchPath)
        let manifest = try readManifest(of: patch)
        let (base, sha256) = try openBase(baseCheckpointPath)
        guard sha256 == manifest.baseSHA256 else {
            throw PatchError.baseMismatch(patch: patchPath, base: baseCheckpointPath, baseFileName: manifest.baseFileName,
                                          expected: manifest.baseSHA256, found: sha256)
        }

        let state = Dictionary(model.stateDict().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var unknown: [String] = []
        var shapeMismatches: [CheckpointError.ShapeMismatch] = []
        for name in manifest.tensors {
            guard let e = state[name] else { unknown.append(name); continue }
            let entry = try patch.entry(name)
            if entry.shape != e.tensor.shape {
                shapeMismatches.append(.init(name: name, expected: e.tensor.shape, found: entry.shape))
            }
        }
        guard unknown.isEmpty && shapeMismatches.isEmpty else {
            throw PatchError.doesNotFitModel(patch: patchPath, patchArchitecture: manifest.baseArchitecture,
                                             modelArchitecture: architecture(of: model), unknown: unknown,
                                             shapeMismatches: shapeMismatches)
        }

        // Decode everything before changing the model, so an error leaves it as it was.
        let patched = try manifest.tensors.map { name in
            let values = try patch.floats(name)
            try Checkpoint.checkValues(values, name: name, path: patchPath)
            return (state[name]!.tensor, Tensor(shape: state[name]!.tensor.shape, data: values))
        }
        try Checkpoint.load(model, from: base)
        for (target, values) in patched { target.copyValues(from: values) }
    }

    /// The manifest of the patch at `patchPath`, read from the patch file itself.
    public static func readManifest(_ patchPath: String) throws -> PatchManifest {
        try readManifest(of: SafeTensorsFile(contentsOf: patchPath))
    }

    /// The manifest stored in an opened patch file, checked against the tensors it holds.
    static func readManifest(of file: SafeTensorsFile) throws -> PatchManifest {
        guard let text = file.metadata[metadataKey] else { throw PatchError.notAPatch(path: file.path) }
        let manifest: PatchManifest
        do {
            manifest = try PatchManifest(json: Data(text.utf8))
        } catch {
            throw PatchError.invalidManifest(path: file.path, reason: "\(error)")
        }
        guard manifest.formatVersion >= 1 else {
            throw PatchError.invalidManifest(
                path: file.path, reason: "formatVersion \(manifest.formatVersion) is not a format version (1...\(formatVersion))")
        }
        guard manifest.formatVersion <= formatVersion else {
            throw PatchError.invalidManifest(
                path: file.path,
                reason: "format version \(manifest.formatVersion) is newer than this Scalpel's \(formatVersion)")
        }
        let (listed, held) = (Set(manifest.tensors), Set(file.names))
        guard listed == held, manifest.tensors.count == listed.count else {
            let absent = manifest.tensors.filter { !held.contains($0) }
            let extra = file.names.filter { !listed.contains($0) }
            throw PatchError.invalidManifest(
                path: file.path,
                reason: "the manifest's tensor list disagrees with the file (listed but absent: "
                    + "\(absent.isEmpty ? "none" : absent.joined(separator: ", ")); held but not listed: "
                    + "\(extra.isEmpty ? "none" : extra.joined(separator: ", ")))")
        }
        return manifest
    }

    /// Maps the base checkpoint once, hashing and parsing the same bytes (no window in which
    /// the file could change between the two).
    private static func openBase(_ path: String) throws -> (SafeTensorsFile, String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PatchError.cannotRead(path: path, reason: isDirectory.boolValue ? "it is a directory" : "no such file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw PatchError.cannotRead(path: path, reason: error.localizedDescription)
        }
        return (try CheckpointFile.open(data: data, path: path), FileHash.sha256(data))
    }

    private static func architecture(of model: Module) -> String {
        (model as? BlockModel)?.architecture ?? String(describing: type(of: model))
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
