import Testing
import ScalpelData
import ScalpelNN
import ScalpelTuning
@testable import ScalpelAdaptation

/// `AdaptationRun` and its baselines: what the command and sweeps record.
@Suite struct AdaptationRunTests {
    @Test func baselineCurveIsCumulativeOnTheSameImages() {
        let b = AdaptationBaselines(noAdaptation: 0.5, priorOnly: 0.75, noAdaptationPredictions: [1, 0, 0, 1],
                                    priorOnlyPredictions: [1, 1, 0, 1])
        // Labels 1, 1, 0, 0: no adaptation right on images 1 and 3; the prior alone on 1, 2, 3.
        let curve = b.curve(at: [1, 2, 4], labels: [1, 1, 0, 0])
        #expect(curve == [BaselinePoint(seen: 1, noAdaptation: 1, priorOnly: 1), BaselinePoint(seen: 2, noAdaptation: 0.5, priorOnly: 1),
                          BaselinePoint(seen: 4, noAdaptation: 0.5, priorOnly: 0.75)])
        #expect(AdaptationBaselines(noAdaptation: 0.5, priorOnly: nil).curve(at: [1], labels: [0]).isEmpty,
                "no curve without predictions")
    }

    @Test func baselinesMatchEvaluationAndOneByOnePrediction() {
        let model = Fixture.resnet8(), images = Fixture.images(7)
        let settings = AdaptationSettings.memo(mode: .online, selection: "all", optimizer: .sgdDefault, priorStrength: 4)
        let b = AdaptationBaselines.measure(model, on: images, settings: settings)
        #expect(b.noAdaptation == evaluate(model, on: ExampleSet(images)).accuracy)
        #expect(b.noAdaptationPredictions == predictInBatches(model, on: images, normalization: .running, batchSize: 3))
        #expect(b.priorOnlyPredictions == predictOneByOne(model, on: images, normalization: .prior(4)))
        let tent = AdaptationBaselines.measure(model, on: images, settings: .tent(selection: "all", optimizer: .adamWDefault))
        #expect(tent.priorOnly == nil && tent.priorOnlyPredictions == nil)
    }

    @Test func aRunReportsItsTrainedTensorsAndTheBaselinesAtEveryCurvePoint() throws {
        let model = Fixture.resnet8(), images = Fixture.images(5)
        let settings = AdaptationSettings.memo(mode: .online, selection: "stem", optimizer: .sgdDefault, augmentations: 2)
        var events: [String] = []
        let outcome = try AdaptationRun.run(model, on: images, settings: settings, seed: 0, every: 2) { event in
            switch event {
            case .baselines: events.append("baselines")
            case .started(let tensors, _): events.append("started \(tensors)")
            case .progress(let seen, _): events.append("seen \(seen)")
            }
        }
        // The stem: conv1's 16×1×3×3 weights, bn1's 16 weights and 16 biases.
        #expect(events == ["baselines", "started 3", "seen 1", "seen 2", "seen 3", "seen 4", "seen 5"])
        #expect(outcome.trainableTensors == 3 && outcome.trainableParameters == 16 * 9 + 2 * 16)
        #expect(outcome.baselineCurve.map(\.seen) == outcome.result.curve.map(\.seen))
        #expect(outcome.baselineCurve.map(\.seen) == [2, 4, 5])
    }

    @Test func badSettingsAreNamed() {
        var settings = AdaptationSettings.memo(mode: .online, selection: "all", optimizer: .sgdDefault, augmixSeverity: 11)
        #expect(settings.problems.map(\.setting) == ["augmix_severity"])
        settings = .tent(selection: "all", optimizer: AdaptationOptimizer(kind: .sgd, learningRate: -1))
        settings.mode = .episodic
        #expect(settings.problems.map(\.setting) == ["mode", "learning_rate"])
        #expect(throws: AdaptationError.invalidSetting("mode", "TENT is online only")) {
            try AdaptationRun.run(Fixture.resnet8(), on: Fixture.images(1), settings: settings, seed: 0, every: 1)
        }
    }
}
