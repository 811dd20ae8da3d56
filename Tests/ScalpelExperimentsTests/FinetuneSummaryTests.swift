import Foundation
import ScalpelNN
import Testing

/// `scalpel finetune`'s closing summary: the parameters each chosen run trained (not every
/// parameter the method could touch), counts in the singular when there is one, no standard
/// error for one seed, and columns that line up.
@Suite struct FinetuneSummaryTests {
    /// Runs `scalpel finetune` on the fixture's MLP (2 epochs, 4 tuning images per class) and
    /// returns its output and the checkpoint's path.
    func finetune(_ method: String, seeds: String, extra: [String] = []) throws -> (text: String, checkpoint: String) {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("finetune-summary")
        let checkpoint = try SweepFixtures.prepare(dir, testPerClass: 112)
        let (status, text) = try SweepFixtures.run(binary, ["finetune", "--checkpoint", checkpoint, "--shift", "fmnist-flip", "--method", method,
                             "--tune-per-class", "4", "--test-per-class", "8", "--epochs", "2", "--batch-size", "8",
                             "--lr", "1e-2,1e-3", "--seeds", seeds, "--data-dir", dir + "/data"] + extra)
        #expect(status == 0, "\(text)")
        return (text, checkpoint)
    }

    /// The summary table: the lines from the header to the line before "test accuracy:".
    func table(_ text: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("seed ") }),
              let end = lines.firstIndex(where: { $0.hasPrefix("test accuracy:") }) else { return [] }
        return Array(lines[start..<end])
    }

    @Test func crossValReportsTheChosenBlocksParameters() throws {
        let (text, checkpoint) = try finetune("cross-val", seeds: "0")
        let model = try PretrainedModel(path: checkpoint).model
        let rows = table(text)
        try #require(rows.count == 2, "\(text)")
        let cells = try #require(rows.last?.split(separator: " ").map(String.init))
        let block = try #require(cells.last)
        let names = try Selection(parsing: block).parameterNames(in: model)
        let count = model.namedParameters().filter { names.contains($0.0) }.reduce(0) { $0 + $1.1.count }
        #expect(count < model.parameterCount, "a block, not the whole model")
        #expect(cells[cells.count - 2] == "\(count)", "\(rows)")
        #expect(text.contains("trainable parameters: \(count) of \(model.parameterCount) ("), "\(text)")
        #expect(text.contains("in the chosen run;"), "\(text)")
        #expect(!text.contains("\(model.parameterCount) of \(model.parameterCount)"), "\(text)")
        // One seed: singular, and no standard error.
        #expect(text.contains("over 1 seed (") && !text.contains("1 seeds") && !text.contains("±"), "\(text)")
    }

    @Test func withANewHeadTheShareIsOfTheModelTuned() throws {
        // `all` under a 12-class head trains every parameter of the model with that head: the share
        // is of that model, not of the checkpoint's (which printed "… of <checkpoint's count>").
        let (text, checkpoint) = try finetune("all", seeds: "0", extra: ["--new-head", "12"])
        let tuned = try PretrainedModel(path: checkpoint).withNewHead(classes: 12, seed: 0).model.parameterCount
        #expect(tuned != (try PretrainedModel(path: checkpoint).model.parameterCount))
        #expect(text.contains("trainable parameters: \(tuned) of \(tuned) (100.00%)"), "\(text)")
    }

    @Test func severalSeedsShowTheStandardErrorAndAlignedColumns() throws {
        let (text, _) = try finetune("auto-snr", seeds: "0,1")
        #expect(text.contains("over 2 seeds (") && text.contains("±"), "\(text)")
        let rows = table(text)
        try #require(rows.count == 3, "\(text)")
        // Every column but the first is right-aligned and the last is a number: equal lengths,
        // and each header word ends where its column's cells end.
        #expect(Set(rows.map(\.count)).count == 1, "\(rows)")
        let header = rows[0]
        for word in ["lr", "threshold", "epoch", "validation", "test", "trained"] {
            let end = try #require(header.range(of: word)).upperBound
            let column = header.distance(from: header.startIndex, to: end)
            for row in rows.dropFirst() {
                let index = row.index(row.startIndex, offsetBy: column - 1)
                #expect(row[index] != " ", "\(word) column misaligned in \(rows)")
                #expect(column == row.count || row[row.index(after: index)] == " ", "\(word) column misaligned in \(rows)")
            }
        }
    }
}
