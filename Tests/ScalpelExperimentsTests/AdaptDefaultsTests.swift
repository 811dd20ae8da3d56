import Foundation
import ScalpelAdaptation
@testable import ScalpelExperiments
import ScalpelNN
import Testing

/// `scalpel adapt` without --optimizer and --lr uses each method's and mode's own setting (the
/// paper's A.6), not one optimizer for all: SGD at 0.005 collapsed online MEMO.
@Suite struct AdaptDefaultsTests {
    /// Runs `scalpel adapt` on the fixture with `extra` flags and returns the optimizer its
    /// `--json` recorded. TENT needs BatchNorm: it runs on a ResNet-26 instead of the fixture's MLP.
    func recordedOptimizer(_ extra: [String]) throws -> AdaptationOptimizer {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("adapt-defaults")
        var checkpoint = try SweepFixtures.prepare(dir, testPerClass: 112)
        if extra.contains("tent") {
            let model = try ModelConfiguration(architecture: "resnet26", inChannels: 1, classes: 10, imageSize: 28, seed: 3).build()
            checkpoint = dir + "/resnet26.safetensors"
            try Checkpoint.save(model, to: checkpoint, metadata: [
                "scalpel.architecture": "resnet26", "scalpel.width": "1", "scalpel.in_channels": "1", "scalpel.classes": "10",
                "scalpel.image_size": "28",
            ])
        }
        let json = dir + "/adapt.json"
        let (status, text) = try SweepFixtures.run(binary, ["adapt", "--checkpoint", checkpoint, "--shift", "fmnist-c:gaussian_noise:3",
                             "--tune", "all", "--augmentations", "2", "--test-size", "4", "--data-dir", dir + "/data",
                             "--json", json] + extra)
        #expect(status == 0, "\(text)")
        struct Recorded: Decodable { var optimizer: AdaptationOptimizer }
        return try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: URL(fileURLWithPath: json))).optimizer
    }

    @Test func eachMethodAndModeGetsItsOwnOptimizer() throws {
        let online = try recordedOptimizer(["--mode", "online"])
        #expect(online == AdaptationOptimizer(kind: .sgd, learningRate: 2e-6, weightDecay: 0, momentum: 0.9))
        let episodic = try recordedOptimizer([])
        #expect(episodic == AdaptationOptimizer(kind: .adamw, learningRate: 1e-4, weightDecay: 0.01, momentum: 0.9))
        let tent = try recordedOptimizer(["--method", "tent"])
        #expect(tent == AdaptationOptimizer(kind: .adamw, learningRate: 1e-3, weightDecay: 0, momentum: 0.9))
    }

    @Test func flagsOverrideOnlyWhatTheyName() throws {
        // SGD asked for episodically: MEMO's SGD rate, not AdamW's; an explicit rate wins.
        #expect(try recordedOptimizer(["--optimizer", "sgd"]) == AdaptationOptimizer(kind: .sgd, learningRate: 2e-6, weightDecay: 0))
        #expect(try recordedOptimizer(["--mode", "online", "--lr", "1e-5"]).learningRate == 1e-5)
        #expect(try recordedOptimizer(["--method", "tent", "--optimizer", "sgd", "--weight-decay", "0.001"]) ==
                AdaptationOptimizer(kind: .sgd, learningRate: 2.5e-4, weightDecay: 0.001, momentum: 0.9))
    }

    @Test func theHelpStatesTheDefaultsInWholeParagraphs() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["adapt", "--help"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let help = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let joined = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(joined.contains("episodic MEMO AdamW lr 1e-4 (weight decay 0.01), online MEMO SGD lr 2e-6 (momentum 0.9), " +
                                "TENT AdamW lr 1e-3 with batches of 64"), "\(help)")
        // Paragraphs wrapped once, by the parser: no line of the discussion holds a lone word.
        let discussion = help.components(separatedBy: "USAGE:")[0].components(separatedBy: "\n").dropFirst(3)
        let orphans = discussion.filter { !$0.isEmpty && !$0.contains(" ") }
        #expect(orphans.isEmpty, "\(orphans)")
    }

    @Test func aSweepLeavesOutWhatTheCommandLeavesOut() throws {
        let dir = SweepFixtures.tempDir("adapt-defaults-sweep")
        try SweepFixtures.prepare(dir, testPerClass: 112)
        let yaml = """
            name: defaults
            checkpoints: [\(dir)/mlp2.safetensors]
            shifts: ["fmnist-c:gaussian_noise:3"]
            seeds: [0]
            data_dir: \(dir)/data
            adaptation:
              - {method: memo, modes: [episodic, online], selections: [last], augmentations: 2, test_size: 8, every: 4}
              - {method: memo, modes: [online], optimizer: adamw, selections: [last], augmentations: 2, test_size: 8, every: 4}
            """
        let runs = try ExperimentSpec(yaml: yaml).plan().adaptationRuns
        let optimizers = runs.map(\.identity.settings).map { "\($0.mode.rawValue) \($0.optimizer.kind.rawValue) \($0.optimizer.learningRate) " +
                                                          "\($0.optimizer.weightDecay)" }
        #expect(optimizers == ["episodic adamw 0.0001 0.01", "online sgd 2e-06 0.0", "online adamw 0.0001 0.01"])

        // The command without optimizer flags names the same run as the sweep.
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let db = dir + "/adapt.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["adapt", "--checkpoint", dir + "/mlp2.safetensors", "--shift", "fmnist-c:gaussian_noise:3",
                             "--tune", "last", "--augmentations", "2", "--test-size", "8", "--every", "4",
                             "--data-dir", dir + "/data", "--db", db]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try ResultsDatabase(readingFrom: db).adaptationRuns().map(\.key) == [runs[0].key])
    }
}
