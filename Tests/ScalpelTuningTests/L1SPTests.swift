import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

@Suite struct L1SPTests {
    func distance(_ model: BlockModel, _ base: [String: Tensor]) -> Double {
        model.namedParameters().reduce(0.0) { sum, p in
            zip(p.1.toArray(), base[p.0]!.toArray()).reduce(sum) { $0 + Double(abs($1.0 - $1.1)) }
        }
    }

    @Test func penaltyIsLambdaTimesL1DistanceWithSignGradient() {
        let model = smallResNet()
        let base = model.snapshot()
        let w = model.namedParameters().first { $0.0 == "fc.weight" }!.1
        w.withUnsafeMutableBufferPointer { p in p[0] += 0.5; p[1] -= 0.25 }
        model.freeze()
        model.unfreeze(["fc.weight"])
        let anchors = model.namedParameters().map { ($0.0, base[$0.0]!) }
        let penalty = L1SP.Policy(lambda: 0.1, anchors: anchors).regularizer(model)!
        #expect(abs(penalty.item - 0.1 * 0.75) < 1e-6)
        penalty.backward()
        let g = w.grad!.toArray()
        #expect(g[0] == 0.1 && g[1] == -0.1 && g[2] == 0)
    }

    @Test func aLargerLambdaKeepsWeightsCloserToThePretrainedOnes() {
        let session = quadrantSession(TrainingOptions(epochs: 2, batchSize: 8))
        var distances: [Double] = []
        for lambda in [0.0, 1e-2] {
            _ = L1SP().run(at: GridPoint(learningRate: 1e-2, hyperparameter: lambda, seed: 0), in: session)
            distances.append(distance(session.model, session.tuner.base))
        }
        #expect(distances[1] < 0.8 * distances[0], "\(distances)")
    }
}
