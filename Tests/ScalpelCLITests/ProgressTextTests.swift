import Testing
@testable import scalpel

/// The progress of `scalpel finetune` (per run) and `scalpel adapt` (per image) ends with the time
/// the rest takes at the mean pace so far.
@Suite struct ProgressTextTests {
    @Test func timeLeftIsTheMeanPaceTimesTheRunsLeft() {
        #expect(ProgressText.timeLeft(elapsed: 30, done: 3, total: 9) == "1m00s")
        #expect(ProgressText.timeLeft(elapsed: 7, done: 2, total: 3) == "4s")
        #expect(ProgressText.timeLeft(elapsed: 1000, done: 1, total: 5) == "1h06m")
    }

    @Test func noTimeLeftBeforeTheFirstRunOrAfterTheLast() {
        #expect(ProgressText.timeLeft(elapsed: 0, done: 0, total: 9) == nil)
        #expect(ProgressText.timeLeft(elapsed: 50, done: 9, total: 9) == nil)
        #expect(ProgressText.timeLeft(elapsed: .nan, done: 1, total: 9) == nil)
    }

    @Test func durationsReadAsSecondsMinutesHours() {
        #expect(ProgressText.duration(42.4) == "42s")
        #expect(ProgressText.duration(185) == "3m05s")
        #expect(ProgressText.duration(3720) == "1h02m")
    }
}

/// corruption-table's progress line on standard error.
@Suite struct ProgressLineTests {
    @Test func theLineNamesTheItemAndTheTimeLeft() {
        #expect(ProgressText.line("cell", done: 12, total: 75, elapsed: 24, item: "fog 2") == "cell 12/75 (fog 2), about 2m06s left")
        #expect(ProgressText.line("cell", done: 75, total: 75, elapsed: 99, item: "zigzag 5") == "cell 75/75 (zigzag 5)")
    }
}
