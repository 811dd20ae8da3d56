import ScalpelData
import ScalpelNN
import ScalpelTuning

/// The reference points of an adaptation run on one test set: the predictions without
/// adaptation (evaluation mode) and, for MEMO with a finite prior, with BatchNorm's prior alone
/// (one image at a time, no gradient step), which separates the effect of normalization from
/// the effect of the updates. They depend only on the model, the test set and the prior, so
/// runs that share these can share them.
public struct AdaptationBaselines: Sendable, Codable, Equatable {
    /// Accuracy in [0, 1] of the model in evaluation mode (running BatchNorm statistics), no adaptation.
    public var noAdaptation: Double
    /// Accuracy in [0, 1] with BatchNorm's prior N alone, one image at a time and no gradient step;
    /// nil unless the method is MEMO with a finite prior.
    public var priorOnly: Double?
    /// Per-image predictions behind the two accuracies, in test order (nil when not kept).
    public var noAdaptationPredictions: [Int]?
    /// Per-image predictions behind `priorOnly`, in test order (nil when not kept or not measured).
    public var priorOnlyPredictions: [Int]?

    /// Baselines from their accuracies and, optionally, the per-image predictions behind them.
    /// Nothing is checked: the predictions are trusted to match the accuracies.
    public init(noAdaptation: Double, priorOnly: Double?, noAdaptationPredictions: [Int]? = nil,
                priorOnlyPredictions: [Int]? = nil) {
        self.noAdaptation = noAdaptation
        self.priorOnly = priorOnly
        self.noAdaptationPredictions = noAdaptationPredictions
        self.priorOnlyPredictions = priorOnlyPredictions
    }

    /// Measures both on `model` (left as it was) for `settings`' method and prior.
    public static func measure(_ model: BlockModel, on test: ImageSet, settings: AdaptationSettings) -> AdaptationBaselines {
        let plain = predictInBatches(model, on: test, normalization: .running)
        let noAdaptation = Metrics.accuracy(of: plain, labels: test.labels)
        guard settings.method == .memo, let n = settings.priorStrength else {
            return AdaptationBaselines(noAdaptation: noAdaptation, priorOnly: nil, noAdaptationPredictions: plain)
        }
        let prior = predictOneByOne(model, on: test, normalization: .prior(n))
        return AdaptationBaselines(noAdaptation: noAdaptation, priorOnly: Metrics.accuracy(of: prior, labels: test.labels),
                                   noAdaptationPredictions: plain, priorOnlyPredictions: prior)
    }

    /// The cumulative accuracy of the baselines' predictions on the first `seen` images, for
    /// each value of `seen` (an adaptation curve's points), against `labels`; empty without
    /// predictions.
    public func curve(at seen: [Int], labels: [Int]) -> [BaselinePoint] {
        guard let plain = noAdaptationPredictions, plain.count == labels.count else { return [] }
        let prior = priorOnlyPredictions.flatMap { $0.count == labels.count ? $0 : nil }
        return seen.filter { (1...labels.count).contains($0) }.map { n in
            BaselinePoint(seen: n, noAdaptation: Metrics.accuracy(of: Array(plain[..<n]), labels: Array(labels[..<n])),
                          priorOnly: prior.map { Metrics.accuracy(of: Array($0[..<n]), labels: Array(labels[..<n])) })
        }
    }
}

/// The baselines' cumulative accuracy after `seen` test images: what an adaptation curve's
/// point is compared with on the same images.
public struct BaselinePoint: Sendable, Codable, Equatable {
    /// Test images counted, the first `seen` in test order.
    public var seen: Int
    /// Cumulative accuracy in [0, 1] without adaptation over those images.
    public var noAdaptation: Double
    /// Cumulative accuracy in [0, 1] with BatchNorm's prior alone over those images (nil without it).
    public var priorOnly: Double?

    /// A point from its fields, unchecked.
    public init(seen: Int, noAdaptation: Double, priorOnly: Double?) {
        self.seen = seen
        self.noAdaptation = noAdaptation
        self.priorOnly = priorOnly
    }
}
