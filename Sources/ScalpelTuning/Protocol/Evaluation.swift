import ScalpelEngine
import ScalpelNN

/// Accuracy of a model on a labeled set, with worst-group accuracy when examples have groups.
public struct Metrics: Codable, Sendable, Equatable {
    public var accuracy: Double
    public var loss: Double
    /// The lowest accuracy over (label, attribute) groups (spurious-correlation shifts).
    public var worstGroupAccuracy: Double?

    public init(accuracy: Double, loss: Double, worstGroupAccuracy: Double? = nil) {
        self.accuracy = accuracy
        self.loss = loss
        self.worstGroupAccuracy = worstGroupAccuracy
    }
}

/// Evaluates `model` on `set` in evaluation mode (BatchNorm running statistics), without
/// autodiff, starting at the set's `startBlock`. Restores each module's mode afterwards.
public func evaluate(_ model: BlockModel, on set: ExampleSet, batchSize: Int = 500) -> Metrics {
    let modes = model.namedModules().map { ($0.1, $0.1.isTraining) }
    model.eval()
    defer { for (m, t) in modes { m.isTraining = t } }
    var predictions: [Int] = []
    predictions.reserveCapacity(set.count)
    var totalLoss = 0.0
    withNoGrad {
        for start in stride(from: 0, to: set.count, by: batchSize) {
            let idx = Array(start..<min(set.count, start + batchSize))
            let (x, y) = set.batch(idx)
            let logits = model.forward(blocks: set.startBlock..<model.blocks.count, x)
            totalLoss += Double(crossEntropy(logits, targets: y).item) * Double(idx.count)
            predictions += logits.argmax(axis: -1)
        }
    }
    let correct = zip(predictions, set.labels).map { $0 == $1 }
    let accuracy = Double(correct.filter { $0 }.count) / Double(max(set.count, 1))
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
