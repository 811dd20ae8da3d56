import Testing
import ScalpelNN
@testable import ScalpelAdaptation

/// The online curve: cumulative and per-window accuracy at regular points, ending at the set's end.
@Suite struct AdaptationResultTests {
    @Test func cumulativeAndWindowAccuracy() {
        let r = AdaptationResult(predictions: [1, 1, 0, 0, 1], labels: [1, 0, 0, 1, 1], every: 2, meanLoss: 0, seconds: 0)
        #expect(r.accuracy == 0.6)
        #expect(r.curve.map(\.seen) == [2, 4, 5])
        #expect(r.curve.map(\.cumulativeAccuracy) == [0.5, 0.5, 0.6])
        #expect(r.curve.map(\.windowAccuracy) == [0.5, 0.5, 1])
    }

    @Test func predictOneByOneRestoresModes() {
        let model = Fixture.resnet8()
        model.train()
        _ = predictOneByOne(model, on: Fixture.images(2), normalization: .prior(4))
        let norms = model.namedModules().compactMap { $0.1 as? BatchNorm2d }
        #expect(norms.allSatisfy { $0.isTraining && $0.testTimePrior == nil })
    }
}
