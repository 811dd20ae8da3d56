import Testing
@testable import ScalpelTuning

@Suite struct MethodStudyTests {
    func run(_ lr: Float, seed: UInt64, validation: Double?, test: Double, status: RunStatus = .done) -> RunResult {
        RunResult(learningRate: lr, seed: seed, hyperparameter: nil, status: status, epochs: [], bestEpoch: 1,
                  bestValidationAccuracy: validation, test: Metrics(accuracy: test, loss: 0), seconds: 0)
    }

    @Test func choosesByValidationNeverADivergedRunFirstOnTies() {
        let runs = [run(1e-3, seed: 0, validation: 0.8, test: 0.70), run(1e-4, seed: 0, validation: 0.9, test: 0.60),
                    run(1e-5, seed: 0, validation: 0.9, test: 0.95), run(10, seed: 0, validation: 0.99, test: 0.99, status: .diverged),
                    run(1e-3, seed: 1, validation: 0.5, test: 0.50), run(1e-4, seed: 1, validation: 0.4, test: 0.90)]
        let result = StudyResult(method: "all", runs: runs, seeds: [0, 1], trainableParameters: 1, seconds: 0)
        #expect(result.chosen(seed: 0)?.learningRate == 1e-4)
        #expect(result.chosen(seed: 1)?.learningRate == 1e-3)
        // mean (0.60, 0.50) = 0.55; s = 0.0707; SE = 0.05.
        #expect(abs(result.testAccuracy!.mean - 0.55) < 1e-12)
        #expect(abs(result.testAccuracy!.standardError - 0.05) < 1e-12)
        let allDiverged = StudyResult(method: "all", runs: [run(10, seed: 0, validation: 0.9, test: 0.9, status: .diverged)],
                                      seeds: [0], trainableParameters: 1, seconds: 0)
        #expect(allDiverged.chosen(seed: 0) == nil && allDiverged.testAccuracy == nil)
    }

    @Test func summaryAndAverageRankByHand() {
        let s = Summary([0.7, 0.8, 0.9])!
        #expect(abs(s.mean - 0.8) < 1e-12 && abs(s.standardError - 0.1 / 3.0.squareRoot()) < 1e-12 && s.count == 3)
        #expect(Summary([0.5])!.standardError == 0 && Summary([]) == nil)
        // Shift A: x 0.9 (1), y 0.8 (2.5), z 0.8 (2.5). Shift B: z 0.7 (1), x 0.6 (2), y 0.5 (3).
        let ranks = averageRanks(["A": ["x": 0.9, "y": 0.8, "z": 0.8], "B": ["x": 0.6, "y": 0.5, "z": 0.7]])
        #expect(ranks == ["x": 1.5, "y": 2.75, "z": 1.75])
    }

    @Test func gridHasEveryLearningRateAndHyperparameterPerSeed() throws {
        let study = MethodStudy(method: try MethodSpec(parsing: "l1sp"), learningRates: [1e-3, 1e-4],
                                hyperparameters: [0.1, 0.01], seeds: [0, 1])
        #expect(study.points(seed: 1).count == 4 && study.points(seed: 1).allSatisfy { $0.seed == 1 })
        let plain = MethodStudy(method: try MethodSpec(parsing: "all"), learningRates: [1e-3], hyperparameters: [5],
                                seeds: [0])
        #expect(plain.points(seed: 0) == [GridPoint(learningRate: 1e-3, seed: 0)])
    }
}
