import ArgumentParser
import Foundation
import SafeTensors
import ScalpelNN

/// `scalpel patch`: applies a fine-tuning patch to its base checkpoint, or shows what a patch holds.
struct PatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch",
        abstract: "Apply a fine-tuning patch to its base checkpoint, or show what a patch holds.",
        discussion: """
        A patch (written by `scalpel finetune --save-patch`) holds only the state entries a \
        fine-tuning changed, with a manifest naming the base checkpoint's SHA-256, the selection and \
        the method. `patch apply` rebuilds the fine-tuned model from the base and the patch; \
        `patch inspect` prints the manifest.
        """,
        subcommands: [Apply.self, Inspect.self])

    /// `scalpel patch apply BASE PATCH --out MODEL`.
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the model of BASE with PATCH applied to a new checkpoint.",
            discussion: """
            BASE must be the checkpoint the patch was made from (its SHA-256 is checked). The model \
            is written to a temporary file beside MODEL and renamed into place; MODEL may not be \
            BASE or PATCH, and an existing MODEL is replaced only with --force. The model flags \
            are needed only for a base without Scalpel's metadata (e.g. one written by PyTorch).
            """)

        @Argument(help: "The base checkpoint (safetensors).")
        var base: String

        @Argument(help: "The patch (safetensors with a Scalpel patch manifest).")
        var patch: String

        @Option(name: .long, help: "Where to write the patched checkpoint.")
        var out: String

        @Flag(name: .long, help: "Replace MODEL if it exists.")
        var force = false

        @OptionGroup var model: ModelOptions

        func validate() throws {
            try PatchPaths.check(base: base, patch: patch, out: out, force: force)
        }

        func run() throws {
            let manifest = try Patch.readManifest(patch)
            let pretrained = try PretrainedModel(path: base, fallback: model.configuration)
            try Patch.apply(patch, to: pretrained.model, baseCheckpointPath: base)
            var metadata = pretrained.metadata
            metadata[Patch.metadataKey] = nil  // the result is a checkpoint, not a patch
            metadata["scalpel.applied_patch"] = URL(fileURLWithPath: patch).lastPathComponent
            metadata["scalpel.applied_patch_selection"] = manifest.selection
            try Checkpoint.save(pretrained.model, to: out, metadata: metadata)  // a temporary file, renamed
            print("wrote \(out): \(manifest.baseArchitecture) from \(URL(fileURLWithPath: base).lastPathComponent) " +
                  "with \(PatchSummary.count(manifest.tensors.count, "tensor")) of \(URL(fileURLWithPath: patch).lastPathComponent) " +
                  "(selection \(manifest.selection), method \(manifest.method))")
        }
    }

    /// `scalpel patch inspect PATCH`.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a patch's manifest: its base, selection, method and tensors.")

        @Argument(help: "The patch (safetensors with a Scalpel patch manifest).")
        var patch: String

        @Flag(name: .long, help: "Print the manifest as JSON.")
        var json = false

        func validate() throws {
            try PatchPaths.checkReadable(patch, role: "PATCH")
        }

        func run() throws {
            let manifest = try Patch.readManifest(patch)
            if json {
                print(String(decoding: try manifest.json(pretty: true), as: UTF8.self))
            } else {
                print(try PatchSummary.text(manifest, file: SafeTensorsFile(contentsOf: patch)))
            }
        }
    }
}

/// The path checks of `patch apply`, made before any file is read or written.
enum PatchPaths {
    /// BASE and PATCH are readable files; OUT is neither of them (after resolving links), its
    /// folder exists, and it does not exist unless `force`.
    static func check(base: String, patch: String, out: String, force: Bool) throws {
        try checkReadable(base, role: "BASE")
        try checkReadable(patch, role: "PATCH")
        let target = canonical(out)
        for (role, path) in [("BASE", base), ("PATCH", patch)] where canonical(path) == target {
            throw ValidationError("--out \(out) is \(role) (\(path)); the patched model must go to a new file")
        }
        let folder = (target as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--out \(out): the folder \(folder) does not exist")
        }
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw ValidationError("--out \(out) is a folder; expected a file name") }
            guard force else { throw ValidationError("--out \(out) exists; pass --force to replace it") }
        }
    }

    /// `path` names a regular file that can be read.
    static func checkReadable(_ path: String, role: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("\(role) \(path): no such file")
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: path) else {
            throw ValidationError("\(role) \(path): \(isDirectory.boolValue ? "is a folder" : "cannot be read"); expected a safetensors file")
        }
    }

    /// The absolute path with `.`, `..` and symbolic links resolved (of the folder when the file does not exist yet).
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

/// The text `patch inspect` prints.
enum PatchSummary {
    /// `1 tensor`, `3 tensors`.
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func text(_ m: PatchManifest, file: SafeTensorsFile) throws -> String {
        let values = try m.tensors.reduce(0) { $0 + (try file.entry($1).count) }
        var rows: [(String, String)] = [
            ("base", "\(m.baseFileName) (\(m.baseArchitecture))"),
            ("base SHA-256", m.baseSHA256),
            ("selection", m.selection),
            ("method", m.method),
            ("tensors", count(m.tensors.count, "tensor") + ", " + count(values, "value")),
            ("BatchNorm statistics", m.batchNormStatistics ? "included" : "not included"),
            ("created", "\(m.createdAt) by Scalpel \(m.scalpelVersion), format \(m.formatVersion)"),
        ]
        rows += m.hyperparameters.sorted { $0.key < $1.key }.map { ("hyperparameter \($0.key)", $0.value) }
        rows += m.metrics.sorted { $0.key < $1.key }.map { ("metric \($0.key)", String(format: "%.4f", $0.value)) }
        let width = rows.map(\.0.count).max() ?? 0
        let header = rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        return (header + ["", "patched tensors:"] + m.tensors.map { "  " + $0 }).joined(separator: "\n")
    }
}
