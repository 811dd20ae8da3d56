import Testing
import ScalpelNN
@testable import ScalpelTuning

@Suite struct GradualUnfreezingTests {
    @Test func scheduleAddsOneBlockEveryEOverBEpochs() {
        // 15 epochs, 5 blocks: one more block every 3 epochs.
        let counts = (1...15).map { GradualUnfreezing.Policy.unfrozenCount(epoch: $0, epochs: 15, blocks: 5) }
        #expect(counts == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5])
        // Fewer epochs than blocks: one more block every epoch, capped.
        #expect((1...3).map { GradualUnfreezing.Policy.unfrozenCount(epoch: $0, epochs: 3, blocks: 5) } == [1, 2, 3])
        #expect(GradualUnfreezing.Policy.unfrozenCount(epoch: 20, epochs: 20, blocks: 5) == 5)
    }

    @Test(arguments: [GradualUnfreezing.Direction.firstToLast, .lastToFirst])
    func trainableBlocksGrowInTheGivenDirection(direction: GradualUnfreezing.Direction) {
        let session = quadrantSession(TrainingOptions(epochs: 5, batchSize: 16))
        let model = session.model
        let result = GradualUnfreezing(direction: direction).run(at: GridPoint(learningRate: 1e-3, seed: 0), in: session)
        let sizes = model.parametersByBlock().map { $0.parameters.reduce(0) { $0 + $1.1.count } }
        let order = direction == .firstToLast ? sizes : sizes.reversed()
        let expected = (1...5).map { k in order.prefix(k).reduce(0, +) }
        #expect(result.epochs.map(\.trainableParameters) == expected)
    }
}
