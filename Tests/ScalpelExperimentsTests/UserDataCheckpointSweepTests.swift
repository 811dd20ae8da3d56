import Foundation
import SafeTensors
import ScalpelNN
import Testing
@testable import ScalpelExperiments

/// A sweep reads your images as `scalpel finetune` does: with the preprocessing the checkpoint
/// records and labels mapped onto its class names, so a run of the sweep is the same run as the
/// command's; a checkpoint whose metadata is malformed, or whose model the images do not fit,
/// is refused by name instead of trapping.
@Suite struct UserDataCheckpointSweepTests {
    let dir: String

    init() throws {
        dir = SweepFixtures.tempDir("userdata-checkpoint")
        try SweepFixtures.prepare(dir)
        try UserDataSweepTests.writeFolder(dir + "/folder")
    }

    /// An mlp2 for 14×14 inputs, saved with `metadata` (Scalpel's model keys added).
    func checkpoint(_ name: String, metadata: [String: String]) throws -> String {
        let model = try ModelConfiguration(architecture: "mlp2", inChannels: 1, classes: 10, imageSize: 14, seed: 5).build()
        let path = "\(dir)/\(name).safetensors"
        try Checkpoint.save(model, to: path, metadata: metadata.merging([
            "scalpel.architecture": "mlp2", "scalpel.width": "1", "scalpel.in_channels": "1", "scalpel.classes": "10",
            "scalpel.image_size": "14",
        ]) { a, _ in a })
        return path
    }

    func spec(_ checkpoint: String) -> String {
        """
        name: folder-checkpoint
        checkpoints: [\(checkpoint)]
        shifts: [{name: my-folder, target: \(dir)/folder}]
        methods: [all]
        learning_rates: [1e-2]
        target_sizes: [4]
        validation_per_class: 1
        test_per_class: 8
        seeds: [0]
        epochs: 2
        batch_size: 8
        data_dir: \(dir)/data
        """
    }

    /// Class names in reverse folder order: without the mapping every label would be wrong.
    static let reversed = String(decoding: try! JSONEncoder().encode((0..<10).reversed().map { "class\($0)" }), as: UTF8.self)

    @Test func aSweepRunIsTheFinetuneCommandsRunOnTheSameFolder() throws {
        let path = try checkpoint("recorded", metadata: ["scalpel.preprocess.resize": "14", "scalpel.class_names": Self.reversed])
        let db = dir + "/results.sqlite"
        var runner = SweepRunner(plan: try ExperimentSpec(yaml: spec(path)).plan(), database: try ResultsDatabase(path: db))
        let outcome = try runner.run()
        #expect(outcome.ran == 1 && outcome.failed == 0)
        let record = try #require(try ResultsDatabase(readingFrom: db).runs().first)
        #expect(record.status == .done, "\(record.message ?? "")")

        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let json = dir + "/finetune.json"
        let (status, text) = try SweepFixtures.run(binary, [
            "finetune", "--checkpoint", path, "--target", dir + "/folder", "--method", "all", "--lr", "1e-2",
            "--tune-per-class", "4", "--test-per-class", "8", "--epochs", "2", "--batch-size", "8", "--seeds", "0",
            "--data-dir", dir + "/data", "--json", json])
        #expect(status == 0, "\(text)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let run = try #require((report?["runs"] as? [[String: Any]])?.first)
        let test = try #require(run["test"] as? [String: Any])
        // The same images, labels and arithmetic: the same Float32 losses to the last bit (compared
        // as Float: JSONSerialization may round the printed double's last digit differently).
        let testLoss = (test["loss"] as? Double).map(Float.init), sweepLoss = record.testLoss.map(Float.init)
        #expect(testLoss != nil && testLoss == sweepLoss, "finetune \(test); sweep \(record.testLoss ?? -1)")
        #expect(test["accuracy"] as? Double == record.testAccuracy)
        let losses = (run["epochs"] as? [[String: Any]])?.compactMap { ($0["trainLoss"] as? Double).map(Float.init) }
        #expect(losses == record.decodedResult()?.epochs.map { Float($0.trainLoss) })
        #expect(losses?.count == 2)
    }

    @Test func malformedCheckpointMetadataIsRefusedBeforeAnyRun() throws {
        for (metadata, expected) in [
            (["scalpel.class_names": "class0, class1"], "scalpel.class_names: expected a JSON list of strings"),
            (["scalpel.class_names": "[\"a\", \"a\"]"], "a name is empty or listed twice"),
            (["scalpel.class_names": String(decoding: try JSONEncoder().encode((0..<11).map { "c\($0)" }), as: UTF8.self)],
             "11 names for a model with 10 outputs"),
            (["scalpel.preprocess.resize": "big"], "scalpel.preprocess.resize"),
        ] {
            let path = try checkpoint("bad-\(UUID().uuidString)", metadata: metadata)
            do {
                _ = try ExperimentSpec(yaml: spec(path)).plan()
                Issue.record("\(metadata) was accepted")
            } catch {
                #expect("\(error)".contains("shifts[0]") && "\(error)".contains(expected), "\(metadata) → \(error)")
                #expect("\(error)".contains(path), "\(error)")
            }
        }
    }

    @Test func finetuneRefusesMalformedClassNamesInsteadOfIgnoringThem() throws {
        let path = try checkpoint("bad-names", metadata: ["scalpel.preprocess.resize": "14", "scalpel.class_names": "{\"a\": 1}"])
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let (status, text) = try SweepFixtures.run(binary, [
            "finetune", "--checkpoint", path, "--target", dir + "/folder", "--method", "last", "--lr", "1e-2",
            "--tune-per-class", "4", "--epochs", "1", "--seeds", "0", "--data-dir", dir + "/data"])
        #expect(status != 0)
        #expect(text.contains(path) && text.contains("scalpel.class_names: expected a JSON list of strings"), "\(text)")
        #expect(!text.contains("no adaptation"), "work started before the refusal: \(text)")
    }

    /// Mean cross-entropy −log softmax(row)[label] of 10-class logit rows, in Double.
    static func meanCrossEntropy(_ logits: [Float], labels: [Int]) -> Double {
        let total = labels.enumerated().reduce(0.0) { sum, item in
            let row = logits[(item.offset * 10)..<(item.offset * 10 + 10)].map(Double.init), top = row.max()!
            return sum + top + log(row.map { exp($0 - top) }.reduce(0, +)) - row[item.element]
        }
        return total / Double(labels.count)
    }

    /// `eval` and `adapt` on a folder of two of the ten classes: its labels 0 and 1 are the
    /// checkpoint's classes `class3` and `class7`, which its reversed names put at outputs 6 and 2;
    /// a CSV of the same images with integer labels 3 and 7 keeps them as indices.
    @Test func evalAndAdaptMapAFolderOfSomeClassesOntoTheCheckpointsNames() throws {
        let path = try checkpoint("names", metadata: ["scalpel.preprocess.resize": "14", "scalpel.class_names": Self.reversed])
        let subset = dir + "/subset"
        for k in [3, 7] {
            try FileManager.default.createDirectory(atPath: subset, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(dir)/folder/class\(k)", toPath: "\(subset)/class\(k)")
        }
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let out = dir + "/eval.safetensors"
        let (status, text) = try SweepFixtures.run(binary, ["eval", "--checkpoint", path, "--input", subset, "--labels", "--out", out])
        #expect(status == 0, "\(text)")
        let file = try SafeTensorsFile(contentsOf: out)
        let logits = try file.floats("logits"), loss = try file.floats("loss")
        #expect(logits.count == 32 * 10 && loss.count == 1)
        // The loss against outputs 6 (class3, the first 16 images) and 2 (class7).
        let expected = Self.meanCrossEntropy(logits, labels: (0..<32).map { $0 < 16 ? 6 : 2 })
        #expect(abs(expected - Double(loss[0])) < 1e-5, "loss \(loss[0]) is not that of labels 6 and 2 (\(expected))")

        // The same images listed by a CSV with integer labels 3 and 7: class indices, kept as they are.
        let files = try [3, 7].flatMap { k in
            try FileManager.default.contentsOfDirectory(atPath: "\(subset)/class\(k)").sorted().map { "class\(k)/\($0),\(k)" }
        }
        try ("path,label\n" + files.joined(separator: "\n") + "\n").write(toFile: subset + "/list.csv", atomically: true, encoding: .utf8)
        let indexed = dir + "/eval-csv.safetensors"
        let (csvStatus, csvText) = try SweepFixtures.run(binary, ["eval", "--checkpoint", path, "--input", subset + "/list.csv",
                                                                 "--labels", "--out", indexed])
        #expect(csvStatus == 0, "\(csvText)")
        let csv = try SafeTensorsFile(contentsOf: indexed)
        let csvLogits = try csv.floats("logits"), csvLoss = try csv.floats("loss")
        let indices = Self.meanCrossEntropy(csvLogits, labels: (0..<32).map { $0 < 16 ? 3 : 7 })
        #expect(abs(indices - Double(csvLoss[0])) < 1e-5, "loss \(csvLoss[0]) is not that of labels 3 and 7 (\(indices))")

        // adapt takes the two-class folder as the checkpoint's ten classes.
        let (adapted, log) = try SweepFixtures.run(binary, ["adapt", "--checkpoint", path, "--target", subset, "--test-size", "8",
                                                           "--data-dir", dir + "/data"])
        #expect(adapted == 0 && log.contains("no adaptation:"), "\(log)")
    }

    @Test func imagesThatDoNotFitTheModelFailTheRunsWithTheReason() throws {
        // No recorded resize: 28×28 images for a 14×14 model.
        let path = try checkpoint("no-resize", metadata: [:])
        let db = dir + "/unfit.sqlite"
        var runner = SweepRunner(plan: try ExperimentSpec(yaml: spec(path)).plan(), database: try ResultsDatabase(path: db))
        #expect(try runner.run().failed == 1)
        let record = try #require(try ResultsDatabase(readingFrom: db).runs().first)
        #expect(record.status == .failed)
        #expect(record.message?.contains("28×28 images; the checkpoint '\(path)' expects 14×14") == true, "\(record.message ?? "")")
    }
}
