import Foundation
import ScalpelNN
import Testing

/// `scalpel finetune --new-head K`: the new head is trained by every method besides its own
/// selection, and `--save` writes the chosen run as a checkpoint that loads with K classes.
@Suite struct FinetuneNewHeadTests {
    func scalpel(_ arguments: [String]) throws -> (status: Int32, text: String) {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        return try SweepFixtures.run(binary, arguments)
    }

    @Test func aSurgicalRunOfTheFirstBlockTrainsItAndTheNewHeadAndSavesBoth() throws {
        let dir = SweepFixtures.tempDir("finetune-new-head")
        let checkpoint = try SweepFixtures.prepare(dir, testPerClass: 112)
        let saved = dir + "/tuned.safetensors"
        let (status, text) = try scalpel([
            "finetune", "--checkpoint", checkpoint, "--shift", "fmnist-flip", "--method", "surgical:first",
            "--new-head", "12", "--tune-per-class", "4", "--test-per-class", "8", "--epochs", "2", "--batch-size", "8",
            "--lr", "1e-2,1e-3", "--seeds", "0", "--data-dir", dir + "/data", "--save", saved, "--json", dir + "/r.json"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("trained in every run besides the method's selection: fc2.weight"), "\(text)")
        let fresh = try PretrainedModel(path: checkpoint).withNewHead(classes: 12, seed: 0).model
        #expect(text.contains("trainable parameters: \(fresh.parameterCount) of \(fresh.parameterCount)"), "\(text)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as? [String: Any]
        #expect(json?["alwaysTrained"] as? [String] == ["fc2.weight"])

        // The saved model: 12 classes, both the block and the head moved from where they started.
        let tuned = try PretrainedModel(path: saved)
        #expect(tuned.configuration.classes == 12 && tuned.configuration.architecture == "mlp2")
        #expect(tuned.metadata["scalpel.finetune_method"] == "surgical:first")
        let start = Dictionary(uniqueKeysWithValues: fresh.namedParameters().map { ($0.0, $0.1.toArray()) })
        for (name, p) in tuned.model.namedParameters() { #expect(p.toArray() != start[name], "\(name) did not train") }
    }

    @Test func aNewHeadNoLongerRefusesAMethodThatDoesNotSelectTheLastLayer() throws {
        let dir = SweepFixtures.tempDir("finetune-new-head-refuse")
        let checkpoint = try SweepFixtures.prepare(dir)
        let (status, text) = try scalpel([
            "finetune", "--checkpoint", checkpoint, "--shift", "fmnist-flip", "--method", "surgical:first",
            "--new-head", "12", "--save-patch", dir + "/p.safetensors", "--data-dir", dir + "/data"])
        // --save-patch still cannot describe a head of another shape; the method itself is accepted.
        #expect(status != 0)
        #expect(text.contains("--save-patch does not apply with --new-head") && text.contains("use --save"), "\(text)")
        #expect(!text.contains("does not train the new last layer"), "\(text)")

        // --save never replaces a file unless told to.
        let existing = dir + "/kept.safetensors"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let (again, refusal) = try scalpel([
            "finetune", "--checkpoint", checkpoint, "--shift", "fmnist-flip", "--method", "last", "--new-head", "12",
            "--save", existing, "--data-dir", dir + "/data"])
        #expect(again != 0 && refusal.contains("--save \(existing) exists; pass --force to replace it"), "\(refusal)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
    }
}
