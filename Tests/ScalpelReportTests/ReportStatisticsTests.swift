import Foundation
import Testing
import ScalpelExperiments
@testable import ScalpelReport

/// The report's mean, standard error and average rank against a hand computation.
@Suite struct ReportStatisticsTests {
    let data: ReportData
    let checkpoint = CheckpointRef(architecture: "resnet26", sha256: "c0ffee")

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).sqlite").path
        data = try ReportData(database: ReportFixture.database(at: path))
    }

    func summary(_ shift: String, _ method: String) throws -> (mean: Double, se: Double, n: Int) {
        let s = try #require(data.cell(checkpoint, shift: shift, targetSize: 10, method: method)?.testAccuracy)
        return (s.mean, s.standardError, s.count)
    }

    @Test func meanAndStandardErrorOfTheChosenRuns() throws {
        // shiftA/all: chosen 0.80, 0.82, 0.84 (the diverged run with validation 0.95 and the decoys
        // with test 0.99 are not chosen): mean 0.82; s = √((0.02² + 0 + 0.02²)/2) = 0.02; se = 0.02/√3.
        var s = try summary("shiftA", "all")
        #expect(abs(s.mean - 0.82) < 1e-12)
        #expect(abs(s.se - 0.02 / 3.0.squareRoot()) < 1e-12)
        #expect(s.n == 3)
        // shiftA/last: 0.70, 0.70, 0.76: mean 0.72; s² = (0.02² + 0.02² + 0.04²)/2 = 0.0012; se = √(0.0012/3) = 0.02.
        s = try summary("shiftA", "last")
        #expect(abs(s.mean - 0.72) < 1e-12)
        #expect(abs(s.se - 0.02) < 1e-12)
        // shiftB/all: constant 0.60: se 0.
        s = try summary("shiftB", "all")
        #expect(abs(s.mean - 0.60) < 1e-12)
        #expect(s.se == 0)
        // The chosen learning rate is the validation winner of every seed.
        let cell = try #require(data.cell(checkpoint, shift: "shiftA", targetSize: 10, method: "all"))
        #expect(cell.seeds.map { cell.chosen[$0]!.record.learningRate } == [0.001, 0.001, 0.001])
        #expect(cell.divergedRuns == 1)
    }

    @Test func averageRankWithTies() {
        // shiftA: block1 0.88 (1), all 0.82 (2), last 0.72 (3).
        // shiftB: last 0.67 (1), all = block1 = 0.60 (tied: 2.5 each).
        // Average: all (2 + 2.5)/2 = 2.25, last (3 + 1)/2 = 2, block1 (1 + 2.5)/2 = 1.75.
        let table = data.methodsTable(architecture: "resnet26", targetSize: 10)
        // Cost: every run takes 1 s; all has 7 runs on shiftA (one diverged), the others 6:
        // last and block1 (6/7 + 6/6) / 2 = 0.93.
        #expect(table.header == ["method", "shiftA", "shiftB", "avg rank", "cost ×all"])
        #expect(table.rows == [
            ["all", "82.0 (1.2)", "60.0 (0.0)", "2.25", "1.00×"],
            ["last", "72.0 (2.0)", "67.0 (1.2)", "2.00", "0.93×"],
            ["surgical:block1", "88.0 (1.2)", "60.0 (0.0)", "1.75", "0.93×"],
        ])
        #expect(table.markdown.contains("| surgical:block1 | 88.0 (1.2) | 60.0 (0.0) | 1.75 | 0.93× |"))
    }

    @Test func accuracyRelativeToFullFineTuning() {
        let rel = data.relativeToAll(architecture: "resnet26", targetSize: 10)
        #expect(abs((rel["shiftA"]?["surgical:block1"] ?? .nan) - 0.06) < 1e-12)
        #expect(abs((rel["shiftA"]?["last"] ?? .nan) + 0.10) < 1e-12)
        #expect(abs((rel["shiftB"]?["last"] ?? .nan) - 0.07) < 1e-12)
        #expect(data.relativeTable(architecture: "resnet26", targetSize: 10)?.rows.first == ["last", "−10.0", "+7.0"])
    }
}
