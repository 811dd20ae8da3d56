import Foundation
import Testing
@testable import ScalpelExperiments
@testable import ScalpelReport
@testable import ScalpelTuning

/// Table 4's cost column and its closing note on successive halving against Cross-Val.
@Suite struct ReportCostTests {
    /// One seed, one learning rate per method and shift: (test accuracy, seconds).
    static let cells: [String: [String: (Double, Double)]] = [
        "shiftA": ["all": (0.80, 100), "cross-val": (0.90, 240), "successive-halving": (0.89, 120)],
        "shiftB": ["all": (0.60, 50), "cross-val": (0.70, 100), "successive-halving": (0.72, 60)],
    ]

    func data() -> ReportData {
        OneSeedReport.data(Self.cells.mapValues { $0.mapValues { (test: $0.0, seconds: $0.1) } })
    }

    @Test func costIsTheGridsWallTimeOverAllsMeanOverShifts() throws {
        let costs = data().relativeCosts(architecture: "resnet26", targetSize: 10)
        // cross-val (2.4 + 2.0) / 2 = 2.2; successive-halving (1.2 + 1.2) / 2 = 1.2.
        #expect(abs(costs["cross-val"]! - 2.2) < 1e-12)
        #expect(abs(costs["successive-halving"]! - 1.2) < 1e-12)
        #expect(costs["all"] == 1)
        let table = data().methodsTable(architecture: "resnet26", targetSize: 10)
        #expect(table.rows.map { $0.last! } == ["1.00×", "2.20×", "1.20×"])
    }

    @Test func noteGivesTheGapToCrossValAndBothCosts() throws {
        // Gap: (89 − 90 + 72 − 70) / 2 = +0.5 points.
        let gap = try #require(data().gapsToCrossValidation(architecture: "resnet26", targetSize: 10)["successive-halving"])
        #expect(abs(gap.points - 0.5) < 1e-9 && gap.columns == 2)
        let note = try #require(data().methodsTable(architecture: "resnet26", targetSize: 10).note)
        #expect(note.hasSuffix("successive-halving: +0.5 points against cross-val (mean over 2 shifts), " +
                               "cost 1.20× of all's grid (cross-val 2.20×)."))
    }
}
