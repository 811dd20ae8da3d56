import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// Successive halving: its schedule, its choice against Cross-Val's, its cost, and that the
/// run it reports is the plain surgical run of the block it chose.
@Suite struct SuccessiveHalvingTests {
    /// A ResNet-8 pre-trained on the quadrant task (every parameter, Adam), with the tensor
    /// `wiped` set to zero, on the same task: only the block holding it can recover. (A zero
    /// stem convolution hands every later block the same input for every image; a zero head
    /// weight makes the logits independent of the features, so no earlier block gets a gradient.)
    func wipedQuadrantSession(wiped: String, epochs: Int) -> TuningSession {
        let model = smallResNet()
        _ = FineTuner(model: model, options: TrainingOptions(epochs: 4, batchSize: 8))
            .run(selection: allParameterNames(model), learningRate: 1e-2, seed: 0, data: quadrantData(tune: 96))
        let tensor = model.namedParameters().first { $0.0 == wiped }!.1
        tensor.copyValues(from: Tensor(shape: tensor.shape, data: [Float](repeating: 0, count: tensor.count)))
        return TuningSession(tuner: FineTuner(model: model, options: TrainingOptions(epochs: epochs, batchSize: 8)),
                             data: quadrantData())
    }

    func table(_ rungs: [(survivors: Int, epochs: Int)]) -> [[Int]] { rungs.map { [$0.survivors, $0.epochs] } }

    @Test func rungsFollowTheRule() {
        // ResNet-26 besides its head: n 4 → ⌈4/2⌉ = 2 → 1; epochs ⌈15/8⌉ = 2, ⌈2·15/3⌉ = 10, 15.
        #expect(table(SuccessiveHalving().rungs(candidates: 4, epochs: 15)) == [[4, 2], [2, 10], [1, 15]])
        // η = 3 cuts 4 → 2 → 1 as well.
        #expect(table(SuccessiveHalving(reduction: 3).rungs(candidates: 4, epochs: 15)) == [[4, 2], [2, 10], [1, 15]])
        // Three cuts: epochs geometric from 2 to 10, ⌈2·√5⌉ = 5 between.
        #expect(table(SuccessiveHalving().rungs(candidates: 8, epochs: 15)) == [[8, 2], [4, 5], [2, 10], [1, 15]])
        // One cut: at ⌈2E/3⌉.
        #expect(table(SuccessiveHalving().rungs(candidates: 2, epochs: 15)) == [[2, 10], [1, 15]])
        #expect(table(SuccessiveHalving().rungs(candidates: 4, epochs: 6)) == [[4, 1], [2, 4], [1, 6]])
        #expect(table(SuccessiveHalving().rungs(candidates: 4, epochs: 1)) == [[4, 1], [2, 1], [1, 1]])
        #expect(table(SuccessiveHalving().rungs(candidates: 1, epochs: 15)) == [[1, 15]])
    }

    @Test(arguments: [("conv1.weight", "stem"), ("fc.weight", "last")])
    func picksTheClearlyBestBlockAndReportsItsPlainSurgicalRun(wiped: String, block: String) throws {
        let session = wipedQuadrantSession(wiped: wiped, epochs: 6)
        let point = GridPoint(learningRate: 1e-2, seed: 3)
        let crossVal = CrossValidation().run(at: point, in: session)
        let scores = try #require(crossVal.candidateValidation)
        let ranked = scores.sorted { $0.value > $1.value }
        // The case is one where a block is clearly best: 10 points ahead of the next.
        #expect(ranked[0].value - ranked[1].value >= 0.1, "\(ranked)")
        let halving = SuccessiveHalving().run(at: point, in: session)
        #expect(halving.status == .done)
        #expect(ranked[0].key == block && crossVal.selection == block)
        #expect(halving.selection == block)
        // The stem paused after epoch 1 (⌈6/8⌉) and 4 (⌈2·6/3⌉), resumed twice while other blocks
        // trained in between; the head trained on its own: each the same run as its block alone.
        let chosen = try #require(halving.selection)
        let plain = try MethodSpec(parsing: "surgical:\(chosen)").method(for: session.model).run(at: point, in: session)
        #expect(halving.bestEpoch == plain.bestEpoch && halving.epochs.count == plain.epochs.count)
        #expect(abs(halving.bestValidationAccuracy! - plain.bestValidationAccuracy!) < 1e-6)
        #expect(abs(halving.test!.accuracy - plain.test!.accuracy) < 1e-6)
        #expect(abs(halving.test!.loss - plain.test!.loss) <= 1e-5 * max(1, plain.test!.loss))
        for (a, b) in zip(halving.epochs, plain.epochs) {
            #expect(abs(a.trainLoss - b.trainLoss) <= 1e-5 * max(1, abs(b.trainLoss)), "epoch \(a.epoch)")
        }
    }

    @Test func costsLessThanCrossValidationAndCountsWhatRan() throws {
        let session = wipedQuadrantSession(wiped: "fc.weight", epochs: 9)
        let model = session.model
        let result = SuccessiveHalving().run(at: GridPoint(learningRate: 1e-3, seed: 0), in: session)
        let cost = try #require(result.cost)
        // Rungs for 4 blocks besides the head and 9 epochs: 4 to epoch 2, 2 to epoch 6, 1 to
        // epoch 9; the head (the best block here) trains all 9.
        #expect(cost.epochsByCandidate.values.sorted() == [2, 2, 6, 9, 9])
        #expect(cost.epochsByCandidate["last"] == 9)
        #expect(cost.epochsByCandidate[result.selection!] == 9)
        // Cross-Val's counts: a plain 9-epoch run of every block, on data past its frozen prefix.
        let (tune, validation, test) = (session.data.tune.count, session.data.validation.count, session.data.test.count)
        var crossVal = 0
        var expected = (forward: 0, backward: 0)
        for (i, block) in model.blocks.enumerated() {
            let names = Set(model.namedParameters().map(\.0).filter { block.contains($0) })
            let start = session.data(forTraining: names).startBlock
            let plain = RunCost.plainRun(epochs: 9, tune: tune, validation: validation, test: test,
                                         blocks: model.blocks.count, start: start, firstTrained: i)
            crossVal += plain.forward + plain.backward
            let epochs = cost.epochsByCandidate[block.name]!
            let trained = RunCost.plainRun(epochs: epochs, tune: tune, validation: validation,
                                           test: block.name == result.selection ? test : 0,
                                           blocks: model.blocks.count, start: start, firstTrained: i)
            expected.forward += trained.forward
            expected.backward += trained.backward
        }
        #expect(cost.forwardExampleBlocks == expected.forward && cost.backwardExampleBlocks == expected.backward)
        #expect(cost.forwardExampleBlocks + cost.backwardExampleBlocks < crossVal)
        let all = RunCost.plainRun(epochs: 9, tune: tune, validation: validation, test: test,
                                   blocks: model.blocks.count, start: 0, firstTrained: 0)
        #expect(cost.fullFineTuningForward == all.forward && cost.fullFineTuningBackward == all.backward)
    }

    @Test func runsEveryLearningRateOfTheGridAndNoOther() throws {
        let session = wipedQuadrantSession(wiped: "conv1.weight", epochs: 3)
        let study = MethodStudy(method: try MethodSpec(parsing: "successive-halving"), learningRates: [1e-2, 1e-4],
                                seeds: [0, 1])
        let result = try study.run(in: session)
        #expect(result.runs.map(\.learningRate) == [1e-2, 1e-4, 1e-2, 1e-4])
        #expect(result.runs.map(\.seed) == [0, 0, 1, 1])
        // Each run is the surgical run of its block at its own learning rate (not another rate).
        for run in result.runs {
            let block = try #require(run.selection)
            let plain = try MethodSpec(parsing: "surgical:\(block)").method(for: session.model)
                .run(at: GridPoint(learningRate: run.learningRate, seed: run.seed), in: session)
            #expect(abs(run.bestValidationAccuracy! - plain.bestValidationAccuracy!) < 1e-6)
            #expect(abs(run.epochs.last!.trainLoss - plain.epochs.last!.trainLoss) <= 1e-5 * max(1, plain.epochs.last!.trainLoss))
        }
        #expect(Set(result.runs.map(\.learningRate)).count == 2)
        #expect(result.chosen(seed: 0)!.bestValidationAccuracy! == result.runs.prefix(2).map { $0.bestValidationAccuracy! }.max()!)
    }

    @Test func neverCutsTheHeadEvenWhenItRanksLast() throws {
        // The stem is the block to tune here and the head is not, yet the head trains every epoch
        // and is compared with the last survivor (the stem) at the end.
        let session = wipedQuadrantSession(wiped: "conv1.weight", epochs: 9)
        let result = SuccessiveHalving().run(at: GridPoint(learningRate: 1e-2, seed: 0), in: session)
        let cost = try #require(result.cost)
        #expect(result.selection == "stem")
        #expect(cost.epochsByCandidate["last"] == 9 && cost.epochsByCandidate["stem"] == 9)
        let scores = try #require(result.candidateValidation)
        #expect(scores["last"]! < scores["stem"]!)
        // The other three blocks were cut as the rungs say: two after epoch 2, one after epoch 6.
        #expect(cost.epochsByCandidate.values.filter { $0 == 6 }.count == 1)
        #expect(cost.epochsByCandidate.values.filter { $0 == 2 }.count == 2)
    }
}
