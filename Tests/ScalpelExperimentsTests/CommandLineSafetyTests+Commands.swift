import Foundation
import Testing

/// Checks that need the model or the data set, still made before any data is loaded or used.
extension CommandLineSafetyTests {
    @Test func aSelectionThatMatchesNothingIsRefusedBeforeLoadingData() throws {
        let f = try fixture()
        let (status, text) = try scalpel(["finetune", "--checkpoint", f.checkpoint, "--shift", "fmnist-flip", "--method", "surgical",
                                          "--tune", "block9", "--data-dir", f.dir + "/data"])
        #expect(status == 64 && text.contains("--method/--tune") && text.contains("block9"), "\(text)")
        #expect(!text.contains("loading Fashion-MNIST"), "\(text)")
    }

    /// `corruption-table` reads the architecture the checkpoint records (here mlp2), not the default flags (resnet26).
    @Test func corruptionTableUsesTheCheckpointsArchitecture() throws {
        let f = try fixture()
        let (status, text) = try scalpel(["corruption-table", "--checkpoint", f.checkpoint, "--test-size", "4",
                                          "--data-dir", f.dir + "/data"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("| gaussian_noise |"), "\(text)")
    }
}

extension CommandLineSafetyTests {
    /// `--json -` writes the JSON to standard output instead of creating a file named `-`.
    @Test func jsonDashMeansStandardOutput() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("cli-dash")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["analysis", "theory", "--json", "-"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let json = try #require(text.range(of: "\n{\n")).lowerBound
        #expect(try JSONSerialization.jsonObject(with: Data(text[json...].utf8)) is [String: Any], "\(text.suffix(300))")
        #expect(!FileManager.default.fileExists(atPath: dir + "/-"))
    }
}
