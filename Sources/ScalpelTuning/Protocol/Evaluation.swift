import ScalpelEngine
import ScalpelNN

/// Accuracy of a model on a labeled set, with worst-group accuracy when examples have groups.
public struct Metrics: Codable, Sendable, Equatable {
    /// Fraction of correctly classified examples, in [0, 1].
    public var accuracy: Double
    /// Mean cross-entropy over the examples.
    public var loss: Double
    /// The lowest accuracy over (label, attribute) groups (spurious-correlation shifts).
    public var worstGroupAccuracy: Double?

    /// Metrics from their values, unchecked.
    public init(accuracy: Double, loss: Double, worstGroupAccuracy: Double? = nil) {
        self.accuracy = accuracy
        self.loss = loss
        self.worstGroupAccuracy = worstGroupAccuracy
    }
}

extension Metrics {
    /// The fraction of `predictions` equal to their `labels`, position by position (0 for no
    /// examples): the accuracy `evaluate` reports, shared with test-time adaptation.
    public static func accuracy(of predictions: [Int], labels: [Int]) -> Double {
        precondition(predictions.count == labels.count, "accuracy: \(predictions.count) predictions, \(labels.count) labels")
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
    }
}

/// Evaluates `model` on `set` in evaluation mode (BatchNorm running statistics), without
/// autodiff, starting at the set's `startBlock` (a streamed set's batches are converted, and
/// run through the blocks before it, one at a time). Restores each module's mode afterwards.
/// `batchSize` defaults to `set.evaluationBatchSize`: 500 examples of 28×28 or 32×32 images,
/// 32 of 3×224×224, so that large inputs do not hold gigabytes of activations at once.
public func evaluate(_ model: BlockModel, on set: ExampleSet, batchSize: Int? = nil) -> Metrics {
    let batchSize = max(batchSize ?? set.evaluationBatchSize, 1)
    var predictions: [Int] = []
    predictions.reserveCapacity(set.count)
    var totalLoss = 0.0
    model.withMode(.eval) {
        withNoGrad {
            for start in stride(from: 0, to: set.count, by: batchSize) {
                let idx = Array(start..<min(set.count, start + batchSize))
                let (x, y) = set.batch(idx, through: model)
                let logits = model.forward(blocks: set.startBlock..<model.blocks.count, x)
                totalLoss += Double(crossEntropy(logits, targets: y).item) * Double(idx.count)
                predictions += logits.argmax(axis: -1)
            }
        }
    }
    let correct = zip(predictions, set.labels).map { $0 == $1 }
    let accuracy = Metrics.accuracy(of: predictions, labels: set.labels)
    var worst: Double? = nil
    if let groups = set.groups {
        var hits: [Int: (Int, Int)] = [:]
        for (g, ok) in zip(groups, correct) {
            let (h, n) = hits[g] ?? (0, 0)
            hits[g] = (h + (ok ? 1 : 0), n + 1)
        }
        worst = hits.values.map { Double($0.0) / Double($0.1) }.min()
    }
    return Metrics(accuracy: accuracy, loss: totalLoss / Double(max(set.count, 1)), worstGroupAccuracy: worst)
}
