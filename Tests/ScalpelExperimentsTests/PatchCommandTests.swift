import Foundation
import SafeTensors
import ScalpelEngine
import ScalpelNN
import Testing

/// `scalpel patch apply` and `scalpel patch inspect`, run as the built executable: the patched
/// model is base + patch bit for bit, and no input file is ever written over.
@Suite struct PatchCommandTests {
    /// Runs `scalpel` to the end; returns its exit status and standard output + error.
    func scalpel(_ binary: String, _ arguments: [String]) throws -> (Int32, String) {
        return try SweepFixtures.run(binary, arguments)
    }

    /// A base checkpoint, a model whose `last` block moved away from it, and the patch between them.
    func fixture(_ dir: String) throws -> (base: String, patch: String, tuned: BlockModel) {
        let base = try SweepFixtures.prepare(dir)
        let tuned = try PretrainedModel(path: base).model
        let last = try Selection(parsing: "last").parameterNames(in: tuned)
        for (name, p) in tuned.namedParameters() where last.contains(name) {
            p.copyValues(from: Tensor(shape: p.shape, data: p.toArray().enumerated().map { $1 + 0.01 * Float($0 % 7 + 1) }))
        }
        let patch = dir + "/last.patch.safetensors"
        _ = try Patch.create(model: tuned, baseCheckpointPath: base, selection: .block("last"), method: "surgical",
                             hyperparameters: ["lr": "0.001"], to: patch)
        return (base, patch, tuned)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func applyWritesBasePlusPatchAndInspectShowsTheManifest() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("patch-apply")
        let (base, patch, tuned) = try fixture(dir)
        let out = dir + "/tuned.safetensors"
        let (status, output) = try scalpel(binary, ["patch", "apply", base, patch, "--out", out])
        #expect(status == 0, "\(output)")
        #expect(output.contains("wrote \(out): mlp2"), "\(output)")
        let file = try SafeTensorsFile(contentsOf: out)
        for entry in tuned.stateDict() where entry.storedAs == .float32 {
            #expect(try file.floats(entry.name) == entry.tensor.toArray(), "\(entry.name)")
        }
        #expect(file.metadata["scalpel.architecture"] == "mlp2" && file.metadata[Patch.metadataKey] == nil)
        #expect(try PretrainedModel(path: out).configuration.architecture == "mlp2", "the result opens as a checkpoint")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp") }.isEmpty)

        let (inspected, text) = try scalpel(binary, ["patch", "inspect", patch])
        let manifest = try Patch.readManifest(patch)
        #expect(inspected == 0, "\(text)")
        // Labels padded to the longest, "BatchNorm statistics".
        func row(_ label: String, _ value: String) -> String { label.padding(toLength: 20, withPad: " ", startingAt: 0) + "  " + value }
        #expect(text.contains(row("selection", "last")) && text.contains(row("method", "surgical")), "\(text)")
        #expect(manifest.tensors == ["fc2.weight"], "mlp2's last block: a 10 × 64 weight")
        #expect(text.contains(row("tensors", "1 tensor, 640 values")), "\(text)")
        #expect(text.contains(row("hyperparameter lr", "0.001")) && text.contains(row("BatchNorm statistics", "not included")), "\(text)")
        #expect(manifest.tensors.allSatisfy { text.contains("\n  \($0)") })
        let (_, json) = try scalpel(binary, ["patch", "inspect", patch, "--json"])
        #expect(try PatchManifest(json: Data(json.utf8)) == manifest)
    }

    @Test func applyNeverWritesOverItsInputsOrAnExistingFile() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("patch-refuse")
        let (base, patch, _) = try fixture(dir)
        let (baseBytes, patchBytes) = (try bytes(base), try bytes(patch))
        for (out, role) in [(base, "BASE"), (patch, "PATCH"), (dir + "/./" + URL(fileURLWithPath: base).lastPathComponent, "BASE")] {
            let (status, output) = try scalpel(binary, ["patch", "apply", base, patch, "--out", out, "--force"])
            #expect(status != 0 && output.contains("is \(role)"), "\(output)")
        }
        #expect(try bytes(base) == baseBytes && bytes(patch) == patchBytes)

        let existing = dir + "/existing.safetensors"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let (refused, message) = try scalpel(binary, ["patch", "apply", base, patch, "--out", existing])
        #expect(refused != 0 && message.contains("exists; pass --force"), "\(message)")
        #expect(try bytes(existing) == Data("keep me".utf8))
        let (forced, _) = try scalpel(binary, ["patch", "apply", base, patch, "--out", existing, "--force"])
        #expect(forced == 0)
        #expect(try SafeTensorsFile(contentsOf: existing).metadata["scalpel.applied_patch"] == "last.patch.safetensors")

        // Another base: the hash check refuses and nothing is written.
        let other = dir + "/other.safetensors"
        let (wrongBase, mismatch) = try scalpel(binary, ["patch", "apply", existing, patch, "--out", other])
        #expect(wrongBase != 0 && mismatch.contains("base checkpoint hash mismatch"), "\(mismatch)")
        #expect(!FileManager.default.fileExists(atPath: other))
        let (missing, noFile) = try scalpel(binary, ["patch", "apply", dir + "/nope.safetensors", patch, "--out", other])
        #expect(missing != 0 && noFile.contains("BASE \(dir)/nope.safetensors: no such file"), "\(noFile)")
        let (notPatch, notPatchText) = try scalpel(binary, ["patch", "inspect", base])
        #expect(notPatch != 0 && notPatchText.contains("not a Scalpel patch"), "\(notPatchText)")
    }
}
