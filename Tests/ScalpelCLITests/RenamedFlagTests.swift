import ArgumentParser
import Foundation
import Testing
@testable import scalpel

/// One spelling per concept (docs/cli.md): the new spellings parse, the old ones still parse for
/// one release into the same value, are hidden from the help, and both at once is refused.
@Suite struct RenamedFlagTests {
    static let finetune = ["finetune", "--checkpoint", "m.safetensors", "--shift", "fmnist-flip", "--method", "all"]

    func parse<C: ParsableCommand>(_ arguments: [String], as: C.Type) throws -> C {
        try #require(try Scalpel.parseAsRoot(arguments) as? C)
    }

    @Test func finetuneTakesTheNewSpellings() throws {
        let c = try parse(Self.finetune + ["--weight-decay", "0.5", "--tune-per-class", "7", "--test-per-class", "9"],
                          as: FinetuneCommand.self)
        #expect(c.wd == 0.5 && c.targetSize == 7 && c.testSize == 9)
    }

    @Test func finetuneStillTakesTheOldSpellings() throws {
        let c = try parse(Self.finetune + ["--wd", "0.25", "--target-size", "5", "--test-size", "11"], as: FinetuneCommand.self)
        #expect(c.wd == 0.25 && c.targetSize == 5 && c.testSize == 11)
        let defaults = try parse(Self.finetune, as: FinetuneCommand.self)
        #expect(defaults.wd == 1e-4 && defaults.targetSize == nil && defaults.testSize == nil)
    }

    @Test func bothSpellingsOfOneFlagAreRefused() {
        #expect(throws: (any Error).self) {
            try Scalpel.parseAsRoot(Self.finetune + ["--target-size", "5", "--tune-per-class", "6"])
        }
        #expect(throws: (any Error).self) {
            try Scalpel.parseAsRoot(Self.finetune + ["--test-size", "5", "--test-per-class", "6"])
        }
    }

    @Test func benchesTakeBatchSize() throws {
        #expect(try parse(["bench", "model", "--batch-size", "16"], as: BenchCommand.ModelBench.self).batch == 16)
        #expect(try parse(["bench", "model", "--batch", "12"], as: BenchCommand.ModelBench.self).batch == 12)
        #expect(try parse(["bench", "engine", "--batch", "8"], as: BenchCommand.EngineBench.self).batch == 8)
        #expect(try parse(["bench", "protocol", "--batch-size", "4"], as: BenchCommand.ProtocolBench.self).batch == 4)
        #expect(throws: (any Error).self) { try Scalpel.parseAsRoot(["bench", "model", "--batch", "1"]) }
    }

    @Test func analysisNoiseTakesLr() throws {
        let base = ["analysis", "noise", "--checkpoint", "m.safetensors", "--shift", "fmnist-flip", "--scale", "1"]
        #expect(try parse(base + ["--lr", "1e-2,1e-3"], as: AnalysisNoiseCommand.self).lrs == "1e-2,1e-3")
        #expect(try parse(base + ["--lrs", "1e-4"], as: AnalysisNoiseCommand.self).lrs == "1e-4")
    }

    @Test func evalWritesToOutUnderEitherName() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("renamed-flag-eval.safetensors").path
        let base = ["eval", "--checkpoint", "m.safetensors", "--input", "x.safetensors"]
        #expect(try parse(base + ["--out", out], as: EvalCommand.self).output == out)
        #expect(try parse(base + ["--output", out], as: EvalCommand.self).output == out)
        #expect(throws: (any Error).self) { try Scalpel.parseAsRoot(base) }
    }

    @Test func dataPreviewTakesSplitSeed() throws {
        let base = ["data", "preview", "--shift", "fmnist-flip", "--out",
                    FileManager.default.temporaryDirectory.appendingPathComponent("renamed-flag-preview.png").path]
        #expect(try parse(base + ["--split-seed", "3"], as: DataCommand.Preview.self).seed == 3)
        #expect(try parse(base + ["--seed", "4"], as: DataCommand.Preview.self).seed == 4)
        #expect(try parse(base, as: DataCommand.Preview.self).seed == 0)
    }

    @Test func oldSpellingsAreHiddenFromTheHelp() {
        let finetune = Scalpel.helpMessage(for: FinetuneCommand.self, columns: 200)
        #expect(finetune.contains("--weight-decay") && finetune.contains("--tune-per-class") && finetune.contains("--test-per-class"))
        #expect(!finetune.contains("--wd ") && !finetune.contains("--target-size") && !finetune.contains("--test-size"))
        let model = Scalpel.helpMessage(for: BenchCommand.ModelBench.self, columns: 200)
        #expect(model.contains("--batch-size") && !model.contains("--batch <"))
        let noise = Scalpel.helpMessage(for: AnalysisNoiseCommand.self, columns: 200)
        #expect(noise.contains("--lr <") && !noise.contains("--lrs"))
    }

    @Test func theWarningNamesBothSpellings() {
        let flag = RenamedFlag("--test-size", to: "--test-per-class", note: "in finetune it counts per class")
        #expect(flag.warning == "scalpel: --test-size is deprecated and will be removed in the next release; "
                + "use --test-per-class (in finetune it counts per class)")
    }
}
