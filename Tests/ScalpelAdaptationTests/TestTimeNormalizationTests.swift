import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelAdaptation

/// BatchNorm's test-time prior: the mixing formula, and +∞ as plain evaluation mode.
@Suite struct TestTimeNormalizationTests {
    func layer() -> BatchNorm2d {
        let bn = BatchNorm2d(2)
        bn.runningMean.copyValues(from: Tensor(shape: [2], data: [0.5, -1]))
        bn.runningVar.copyValues(from: Tensor(shape: [2], data: [2, 0.25]))
        bn.weight.copyValues(from: Tensor(shape: [2], data: [1.5, 0.5]))
        bn.bias.copyValues(from: Tensor(shape: [2], data: [0.1, -0.2]))
        bn.eval()
        return bn
    }

    let input: Tensor = {
        var rng = RandomGenerator(seed: 9)
        return Tensor.randn([3, 2, 2, 2], using: &rng)
    }()

    @Test func mixesRunningAndBatchStatisticsByPriorStrength() {
        let bn = layer()
        bn.testTimePrior = 4
        let y = bn(input).toArray()
        let x = input.toArray()
        let (n, b, perChannel) = (Float(4), Float(3), 12)
        for c in 0..<2 {
            let values = (0..<3).flatMap { i in (0..<4).map { x[(i * 2 + c) * 4 + $0] } }
            let mu = values.reduce(0, +) / Float(perChannel)
            let unbiased = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Float(perChannel - 1)
            let mean = (n * bn.runningMean.toArray()[c] + b * mu) / (n + b)
            let variance = (n * bn.runningVar.toArray()[c] + b * unbiased) / (n + b)
            for i in 0..<3 {
                for p in 0..<4 {
                    let index = (i * 2 + c) * 4 + p
                    let expected = bn.weight.toArray()[c] * (x[index] - mean) / (variance + bn.eps).squareRoot()
                        + bn.bias.toArray()[c]
                    #expect(abs(y[index] - expected) < 1e-5)
                }
            }
        }
        #expect(bn.runningMean.toArray() == [0.5, -1], "running statistics unchanged")
        #expect(bn.numBatchesTracked.toArray() == [0])
    }

    @Test func infinitePriorIsEvaluationMode() {
        let bn = layer()
        let plain = bn(input).toArray()
        bn.testTimePrior = .infinity
        #expect(bn(input).toArray() == plain)
        #expect(TestTimeNormalization(priorStrength: .infinity) == .running)
        #expect(TestTimeNormalization(priorStrength: nil) == .running)
        #expect(TestTimeNormalization(priorStrength: 16) == .prior(16))
    }

    @Test func setTestTimeNormalizationReachesEveryBatchNorm() {
        let model = Fixture.resnet8()
        model.setTestTimeNormalization(.prior(8))
        let norms = model.namedModules().compactMap { $0.1 as? BatchNorm2d }
        #expect(norms.allSatisfy { $0.testTimePrior == 8 && !$0.isTraining })
        model.setTestTimeNormalization(.batch)
        #expect(norms.allSatisfy { $0.testTimePrior == nil && $0.isTraining })
        #expect(!model.fc.isTraining)
    }
}
