import ScalpelTuning

/// Accuracy after a number of test images: one point of an online-adaptation curve
/// (the paper's Figure 4, right).
public struct AccuracyPoint: Codable, Sendable, Equatable {
    /// Test images seen (adapted on and predicted) so far.
    public var seen: Int
    /// Accuracy of the predictions on those `seen` images (cumulative).
    public var cumulativeAccuracy: Double
    /// Accuracy of the predictions since the previous point only.
    public var windowAccuracy: Double
}

/// The outcome of adapting over a test set, one prediction per image in order.
public struct AdaptationResult: Codable, Sendable {
    /// The predicted class of each test image, in test order.
    public var predictions: [Int]
    /// Fraction of `predictions` equal to the labels, in [0, 1].
    public var accuracy: Double
    /// Cumulative accuracy at regular checkpoints (always ending at the full set).
    public var curve: [AccuracyPoint]
    /// Mean adaptation loss: for MEMO the marginal entropy of the last step on each image, averaged
    /// over images; for TENT the mean entropy of each batch, averaged over batches.
    public var meanLoss: Double
    /// Wall-clock seconds spent adapting and predicting over the whole set.
    public var seconds: Double

    /// Accuracy and curve of `predictions` against `labels`, a point every `every` images.
    public init(predictions: [Int], labels: [Int], every: Int, meanLoss: Double, seconds: Double) {
        precondition(predictions.count == labels.count, "AdaptationResult: predictions and labels differ in count")
        self.predictions = predictions
        let hits = zip(predictions, labels).map { $0 == $1 ? 1 : 0 }
        accuracy = Metrics.accuracy(of: predictions, labels: labels)
        var points: [AccuracyPoint] = []
        var total = 0, previous = 0, windowHits = 0
        for (i, h) in hits.enumerated() {
            total += h
            windowHits += h
            let seen = i + 1
            if seen % max(every, 1) == 0 || seen == hits.count {
                points.append(AccuracyPoint(seen: seen, cumulativeAccuracy: Double(total) / Double(seen),
                                            windowAccuracy: Double(windowHits) / Double(seen - previous)))
                previous = seen
                windowHits = 0
            }
        }
        curve = points
        self.meanLoss = meanLoss
        self.seconds = seconds
    }
}
