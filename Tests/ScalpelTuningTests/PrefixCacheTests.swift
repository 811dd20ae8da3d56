import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// Surgery-aware execution is exact: runs on cached frozen-prefix activations choose the same
/// epoch and reach the same accuracies as runs that recompute the prefix every batch.
@Suite struct PrefixCacheTests {
    @Test(arguments: ["last", "surgical:block3", "surgical:stem+block1", "surgical:block2"])
    func cachedAndUncachedRunsAgree(method text: String) throws {
        let options = TrainingOptions(epochs: 3, batchSize: 8)
        let cached = quadrantSession(options, caches: true)
        let uncached = quadrantSession(options, caches: false)
        let spec = try MethodSpec(parsing: text)
        let a = try spec.method(for: cached.model).run(at: GridPoint(learningRate: 3e-3, seed: 1), in: cached)
        let b = try spec.method(for: uncached.model).run(at: GridPoint(learningRate: 3e-3, seed: 1), in: uncached)
        #expect(uncached.cachedBlocks.isEmpty)
        if text == "surgical:stem+block1" {
            #expect(cached.cachedBlocks.isEmpty, "nothing is frozen below the stem")
        } else {
            #expect(!cached.cachedBlocks.isEmpty)
        }
        #expect(a.bestEpoch == b.bestEpoch)
        #expect(abs((a.bestValidationAccuracy ?? -1) - (b.bestValidationAccuracy ?? -2)) < 1e-6)
        #expect(abs((a.test?.accuracy ?? -1) - (b.test?.accuracy ?? -2)) < 1e-6)
        for (x, y) in zip(a.epochs, b.epochs) {
            #expect(abs(x.trainLoss - y.trainLoss) <= 1e-5 * max(1, abs(y.trainLoss)), "epoch \(x.epoch) loss")
        }
    }

    @Test func runsThatShareAPrefixShareItsActivations() throws {
        let session = quadrantSession(TrainingOptions(epochs: 1, batchSize: 8))
        let method = try MethodSpec(parsing: "surgical:block3").method(for: session.model)
        _ = method.run(at: GridPoint(learningRate: 1e-3, seed: 0), in: session)
        let first = session.data(startingAt: 3).tune.inputs
        _ = method.run(at: GridPoint(learningRate: 1e-2, seed: 1), in: session)
        #expect(session.data(startingAt: 3).tune.inputs === first)
        #expect(session.cachedBlocks == [3])
    }

    @Test func trainModeBatchNormOrAugmentationDisablesTheCache() throws {
        for options in [TrainingOptions(epochs: 1, batchSize: 8, batchNorm: .updating),
                        TrainingOptions(epochs: 1, batchSize: 8, augment: true)] {
            let session = quadrantSession(options)
            let method = try MethodSpec(parsing: "last").method(for: session.model)
            #expect(session.data(forTraining: method.candidates(in: session.model)).startBlock == 0)
            _ = method.run(at: GridPoint(learningRate: 1e-2, seed: 0), in: session)
            #expect(session.cachedBlocks.isEmpty)
        }
    }
}
