import Testing
@testable import ScalpelReport

/// The sentence under each shift's table: which finding of the paper it illustrates, and whether it agrees.
@Suite struct ShiftFindingTests {
    let order = ["all", "surgical:block1", "surgical:block2", "surgical:block3", "last"]

    func means(_ accuracies: [Double]) -> [(method: String, accuracy: Double)] {
        zip(order, accuracies).map { (method: $0, accuracy: $1) }
    }

    @Test func inputLevelAgreesWhenTheFirstBlockWins() throws {
        let note = try #require(ShiftFinding.note(shift: "fmnist-c:gaussian_noise:5", means: means([0.82, 0.85, 0.84, 0.80, 0.75])))
        #expect(note.hasPrefix("Input-level shift: the paper finds the first block best."))
        #expect(note.contains("surgical:block1 (+3.0 vs all): agrees."))
    }

    @Test func inputLevelDisagreesWhenTheLastLayerWins() throws {
        let note = try #require(ShiftFinding.note(shift: "fmnist-c:gaussian_noise:5", means: means([0.82, 0.70, 0.71, 0.72, 0.83])))
        #expect(note.hasSuffix("last (+1.0 vs all): does not agree."))
    }

    @Test func featureLevelWantsAMiddleBlock() throws {
        let agree = try #require(ShiftFinding.note(shift: "fmnist-subpop", means: means([0.80, 0.81, 0.90, 0.85, 0.70])))
        #expect(agree.hasPrefix("Feature-level shift") && agree.hasSuffix("agrees."))
        let first = try #require(ShiftFinding.note(shift: "fmnist-subpop", means: means([0.80, 0.95, 0.90, 0.85, 0.70])))
        #expect(first.hasSuffix("does not agree."))
    }

    @Test func outputLevelWantsTheLastLayer() throws {
        let note = try #require(ShiftFinding.note(shift: "fmnist-flip", means: means([0.25, 0.30, 0.40, 0.60, 0.876])))
        #expect(note.hasPrefix("Output-level shift") && note.contains("last (+62.6 vs all): agrees."))
    }

    @Test func stemPlusBlock1CountsAsTheFirstBlock() throws {
        let means: [(method: String, accuracy: Double)] = [("all", 0.86), ("surgical:stem+block1", 0.85), ("surgical:block1", 0.87),
                                                           ("surgical:block2", 0.84), ("last", 0.80)]
        let note = try #require(ShiftFinding.note(shift: "fmnist-c:gaussian_noise:5", means: means))
        #expect(note.hasSuffix("surgical:block1 (+1.0 vs all): agrees."))
    }

    @Test func unknownShiftsAndTablesWithoutBlocksGetNoNote() {
        #expect(ShiftFinding.note(shift: "my-folder-shift", means: means([0.8, 0.9])) == nil)
        #expect(ShiftFinding.note(shift: "fmnist-flip", means: [(method: "all", accuracy: 0.5)]) == nil)
    }
}
