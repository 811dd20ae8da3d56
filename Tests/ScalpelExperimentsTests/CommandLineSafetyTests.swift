import Foundation
import Testing
import SafeTensors
import ScalpelNN

/// The command line as a careless user meets it: outputs that would destroy an input, values
/// out of range, files that do not fit; each refused before any work, naming the flag or file,
/// with the documented exit status (64 usage, 65 data, 74 I/O), and no user file changed.
@Suite struct CommandLineSafetyTests {
    /// Runs `scalpel` with `environment` added; returns its exit status and standard output + error.
    func scalpel(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        return try SweepFixtures.run(binary, arguments, environment: environment)
    }

    /// A directory with the two-layer checkpoint and an `input.safetensors` of `count` 28×28 images.
    func fixture(labels: TensorValue? = nil, side: Int = 28) throws -> (dir: String, checkpoint: String, input: String) {
        let dir = SweepFixtures.tempDir("cli-safety")
        let checkpoint = try SweepFixtures.prepare(dir)
        var values: [String: TensorValue] = [
            "input": .floats((0..<(2 * side * side)).map { Float($0 % 7) / 7 }, shape: [2, 1, side, side]),
        ]
        if let labels { values["labels"] = labels }
        let input = dir + "/input.safetensors"
        try SafeTensors.write(values, to: input)
        return (dir, checkpoint, input)
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func evalOutputOntoAnInputIsRefusedAndTheInputKept() throws {
        let f = try fixture()
        let before = bytes(f.checkpoint)
        try FileManager.default.createSymbolicLink(atPath: f.dir + "/link.safetensors", withDestinationPath: f.checkpoint)
        try FileManager.default.linkItem(atPath: f.checkpoint, toPath: f.dir + "/hard.safetensors")
        for (output, named) in [(f.checkpoint, "--checkpoint"), (f.input, "--input"), (f.dir + "/link.safetensors", "--checkpoint"),
                                (f.dir + "/hard.safetensors", "--checkpoint"), (f.dir + "/./mlp2.safetensors", "--checkpoint")] {
            let (status, text) = try scalpel(["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output", output])
            #expect(status == 64, "\(text)")
            #expect(text.contains("same file as \(named)"), "\(text)")
        }
        #expect(bytes(f.checkpoint) == before)
        let (status, text) = try scalpel(["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output", f.dir + "/out.safetensors"])
        #expect(status == 0, "\(text)")
        #expect(try SafeTensorsFile(contentsOf: f.dir + "/out.safetensors").entries["logits"]?.shape == [2, 10])
    }

    @Test func outputsThatAreNotFilesOrCannotBeWrittenAreRefusedFirst() throws {
        let f = try fixture()
        let cases: [([String], String)] = [
            (["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output", "/dev/stdout"], "is a device"),
            (["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output", "-"], "cannot go to standard output"),
            (["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output", f.dir], "not a regular file"),
            (["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output", f.dir + "/missing/out.safetensors"],
             "does not exist"),
            (["finetune", "--checkpoint", f.checkpoint, "--shift", "fmnist-flip", "--method", "last", "--json", f.checkpoint],
             "same file as --checkpoint"),
            (["finetune", "--checkpoint", f.checkpoint, "--shift", "fmnist-flip", "--method", "last",
              "--save-patch", f.checkpoint], "same file as --checkpoint"),
            (["finetune", "--checkpoint", f.checkpoint, "--shift", "fmnist-flip", "--method", "last",
              "--save-patch", f.dir + "/p.safetensors", "--json", f.dir + "/p.safetensors"], "name the same file"),
            (["adapt", "--checkpoint", f.checkpoint, "--shift", "fmnist-flip", "--db", f.dir + "/r.sqlite",
              "--json", f.dir + "/r.sqlite"], "same file as --db"),
            (["adapt", "--checkpoint", f.checkpoint, "--shift", "fmnist-flip", "--json", "/dev/stdout"], "write '-' for standard output"),
            (["pretrain", "--shift", "fmnist-flip", "--out", f.dir + "/nope/model.safetensors"], "does not exist"),
        ]
        for (arguments, mention) in cases {
            let (status, text) = try scalpel(arguments + ["--data-dir", f.dir + "/data"])
            #expect(status == 64, "\(arguments): \(text)")
            #expect(text.contains(mention), "\(arguments): \(text) should mention \(mention)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.dir + "/r.sqlite"), "nothing created before the refusal")
    }

    @Test func valuesOutOfRangeAreUsageErrors() throws {
        let f = try fixture()
        let finetune = ["finetune", "--checkpoint", f.checkpoint, "--shift", "fmnist-flip", "--data-dir", f.dir + "/data"]
        let cases: [([String], String)] = [
            (["pretrain", "--shift", "fmnist-flip", "--out", f.dir + "/m.safetensors", "--width", "0"], "--width"),
            (["pretrain", "--shift", "fmnist-flip", "--out", f.dir + "/m.safetensors", "--width", "-1"], "--width"),
            (["inspect", "--width", "100000"], "--width"),
            (["inspect", "--arch", "mlp2", "--width", "64", "--image-size", "1024", "--in-channels", "64"], "parameters"),
            (["demo", "--source-size", "-1"], "--source-size"),
            (finetune + ["--method", "l1sp", "--lambda", "-5"], "--lambda"),
            (finetune + ["--method", "auto-snr", "--threshold", "2"], "--threshold"),
            (finetune + ["--method", "last", "--seeds", "0,0"], "--seeds: 0 appears twice"),
        ]
        for (arguments, mention) in cases {
            let (status, text) = try scalpel(arguments)
            #expect(status == 64, "\(arguments): \(text)")
            #expect(text.contains(mention), "\(arguments): \(text) should mention \(mention)")
        }
        let (status, text) = try scalpel(["inspect", "--arch", "resnet8"], environment: ["SCALPEL_THREADS": "abc"])
        #expect(status == 64 && text.contains("SCALPEL_THREADS='abc'"), "\(text)")
    }

    /// `SCALPEL_POOL_LIMIT`: a malformed value stops every command before any work, with status
    /// 64 and a message naming the variable, the value and what was expected; a valid one runs.
    @Test func aMalformedPoolLimitIsAUsageError() throws {
        let f = try fixture()
        let out = f.dir + "/out.safetensors"
        for bad in ["lots", "-1G", "1.5G", "2GB"] {
            let (status, text) = try scalpel(["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output", out],
                                             environment: ["SCALPEL_POOL_LIMIT": bad])
            #expect(status == 64, "\(bad): \(text)")
            #expect(text.contains("SCALPEL_POOL_LIMIT='\(bad)': expected a byte count ≥ 0, optionally with a K, M, G or T suffix"),
                    "\(text)")
            #expect(!FileManager.default.fileExists(atPath: out), "nothing written before the refusal")
        }
        for good in ["0", "64M", ""] {
            let (status, text) = try scalpel(["inspect", "--arch", "resnet8"], environment: ["SCALPEL_POOL_LIMIT": good])
            #expect(status == 0, "'\(good)': \(text)")
        }
    }

    @Test(arguments: [Float.nan, .infinity, 1e20, 2.7, -1, 10])
    func evalRefusesFloatLabelsThatAreNotClasses(_ bad: Float) throws {
        let f = try fixture(labels: .floats([1, bad], shape: [2]))
        let (status, text) = try scalpel(["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output",
                                          f.dir + "/o.safetensors", "--labels"])
        #expect(status == 65, "\(text)")
        #expect(text.contains("label 1 is") && text.contains("input.safetensors"), "\(text)")
    }

    @Test func evalRefusesInt64LabelsOutOfRange() throws {
        let f = try fixture(labels: .int64s([0, .max], shape: [2]))
        let (status, text) = try scalpel(["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output",
                                          f.dir + "/o.safetensors", "--labels"])
        #expect(status == 65 && text.contains("\(Int64.max)"), "\(text)")
    }

    /// The two-layer network takes 28×28 inputs only; another size used to segfault or give NaN.
    @Test(arguments: [27, 29, 56])
    func evalRefusesAnInputOfTheWrongSizeForTheMLP(_ side: Int) throws {
        let f = try fixture(side: side)
        let (status, text) = try scalpel(["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output",
                                          f.dir + "/o.safetensors"])
        #expect(status == 64, "\(text)")
        #expect(text.contains("mlp2 takes [N, 1, 28, 28]"), "\(text)")
    }

    /// `eval` reads the architecture the checkpoint records: no --arch needed for the MLP.
    @Test func evalUsesTheCheckpointsArchitecture() throws {
        let f = try fixture(labels: .int64s([3, 4], shape: [2]))
        let (status, text) = try scalpel(["eval", "--checkpoint", f.checkpoint, "--input", f.input, "--output",
                                          f.dir + "/o.safetensors", "--labels"])
        #expect(status == 0, "\(text)")
    }

    @Test func exitStatusesSayWhatKindOfProblem() throws {
        let f = try fixture()
        let missing = try scalpel(["eval", "--checkpoint", f.dir + "/absent.safetensors", "--input", f.input,
                                   "--output", f.dir + "/o.safetensors"])
        #expect(missing.0 == 74 && missing.1.contains("absent.safetensors"), "\(missing.1)")
        try Data("not a safetensors file at all".utf8).write(to: URL(fileURLWithPath: f.dir + "/bad.safetensors"))
        let malformed = try scalpel(["eval", "--checkpoint", f.dir + "/bad.safetensors", "--input", f.input,
                                     "--output", f.dir + "/o.safetensors"])
        #expect(malformed.0 == 65 && malformed.1.contains("bad.safetensors"), "\(malformed.1)")
    }
}

