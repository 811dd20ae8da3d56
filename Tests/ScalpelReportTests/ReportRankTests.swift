import Foundation
import Testing
@testable import ScalpelExperiments
@testable import ScalpelReport
@testable import ScalpelTuning

/// Table 4's rank column: one-run methods only, over the shifts where all of them have results.
@Suite struct ReportRankTests {
    @Test func blockChoosingMethodsAreNotRankedAndDoNotMoveTheOthers() throws {
        // Cross-Val and successive halving top both shifts; unranked, they leave auto-rgn first:
        // shiftA auto-rgn 1, all 2; shiftB auto-rgn 1, all 2.
        let data = OneSeedReport.data([
            "shiftA": ["all": 0.80, "auto-rgn": 0.82, "cross-val": 0.90, "successive-halving": 0.89],
            "shiftB": ["all": 0.60, "auto-rgn": 0.65, "cross-val": 0.70, "successive-halving": 0.72],
        ])
        let (ranks, shifts) = data.rankedAverageRanks(architecture: "resnet26", targetSize: 10)
        #expect(ranks == ["auto-rgn": 1, "all": 2])
        #expect(shifts == 2)
        let table = data.methodsTable(architecture: "resnet26", targetSize: 10)
        let rankColumn = try #require(table.header.firstIndex(of: "avg rank"))
        #expect(Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0], $0[rankColumn]) }) ==
                ["all": "2.00", "auto-rgn": "1.00", "cross-val": "–", "successive-halving": "–"])
        #expect(table.note?.contains("as in the paper, Cross-Val and successive halving are not ranked") == true)
        #expect(table.note?.contains("over the 2 shifts.") == true)
    }

    @Test func ranksOnlyOverTheShiftsEveryRankedMethodCompleted() {
        // l1sp has only shiftA, so all three rank on shiftA alone: l1sp 1, all 2, auto-rgn 3;
        // on both shifts auto-rgn would have averaged (3 + 1)/2.
        let data = OneSeedReport.data([
            "shiftA": ["all": 0.80, "auto-rgn": 0.78, "l1sp": 0.85],
            "shiftB": ["all": 0.60, "auto-rgn": 0.65],
        ])
        let (ranks, shifts) = data.rankedAverageRanks(architecture: "resnet26", targetSize: 10)
        #expect(ranks == ["l1sp": 1, "all": 2, "auto-rgn": 3])
        #expect(shifts == 1)
        #expect(data.methodsTable(architecture: "resnet26", targetSize: 10).note?
            .contains("over the 1 of 2 shifts where every ranked method has results.") == true)
    }

    @Test func nothingToRankLeavesTheColumnEmpty() {
        let data = OneSeedReport.data(["shiftA": ["all": 0.80, "cross-val": 0.90]])
        #expect(data.rankedAverageRanks(architecture: "resnet26", targetSize: 10).shifts == 0)
        #expect(data.methodsTable(architecture: "resnet26", targetSize: 10).rows.map { $0[2] } == ["–", "–"])
    }
}
