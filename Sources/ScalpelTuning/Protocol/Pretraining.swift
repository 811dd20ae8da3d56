import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// Training a model from scratch on the source side of a shift.
///
/// AdamW with a cosine learning-rate schedule (η_t = η·½(1 + cos(π·t/T)) over T steps),
/// weight decay, random-crop augmentation, BatchNorm in training mode; at the end the
/// BatchNorm running statistics are re-estimated at the final weights.
public struct Pretrainer {
    /// Passes over the training set.
    public var epochs: Int
    /// Images per mini-batch.
    public var batchSize: Int
    /// Peak learning rate η of the cosine schedule.
    public var learningRate: Float
    /// AdamW's decoupled weight decay.
    public var weightDecay: Float
    /// Whether to apply random-crop augmentation.
    public var augment: Bool
    /// Seed of the shuffles and augmentations.
    public var seed: UInt64

    /// A pre-trainer with the defaults (5 epochs, batch 128, η = 2e-3, weight decay 5e-4, augmented,
    /// seed 0); values are not validated here.
    public init(epochs: Int = 5, batchSize: Int = 128, learningRate: Float = 2e-3, weightDecay: Float = 5e-4,
                augment: Bool = true, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.augment = augment
        self.seed = seed
    }

    /// Progress of training: epoch (1-based), batch, batches per epoch, running loss.
    public typealias Progress = (_ epoch: Int, _ batch: Int, _ batches: Int, _ loss: Double) -> Void

    /// Trains every parameter of `model` on `train`; returns the training loss per epoch.
    @discardableResult
    public func train(_ model: BlockModel, on train: ImageSet, progress: Progress? = nil) -> [Double] {
        let data = ExampleSet(train)
        model.unfreeze()
        model.train(batchNorm: .updating)  // from scratch: the running statistics are learned here
        let optimizer = Adam.adamW(learningRate: learningRate, weightDecay: weightDecay)
        var rng = RandomGenerator.derived(seed: seed, stream: 7)
        let perEpoch = (data.count + batchSize - 1) / batchSize
        let totalSteps = Float(max(1, perEpoch * epochs))
        var step: Float = 0
        var losses: [Double] = []
        for epoch in 1...max(epochs, 1) {
            var order = Array(0..<data.count)
            order.shuffle(using: &rng)
            var sum = 0.0
            for (b, start) in stride(from: 0, to: order.count, by: batchSize).enumerated() {
                let idx = Array(order[start..<min(order.count, start + batchSize)])
                var (x, y) = data.batch(idx)
                if augment { x = Augment.randomCrop(x, rng: &rng) }
                optimizer.learningRate = learningRate * 0.5 * (1 + cosf(Float.pi * step / totalSteps))
                let loss = crossEntropy(model(x), targets: y)
                model.zeroGrad()
                loss.backward()
                optimizer.step(model.namedParameters())
                step += 1
                sum += Double(loss.item)
                progress?(epoch, b + 1, perEpoch, sum / Double(b + 1))
            }
            losses.append(sum / Double(perEpoch))
        }
        model.zeroGrad()
        // Running statistics as the average over (up to) 20 training batches at the final weights.
        let batches = stride(from: 0, to: min(data.count, 20 * batchSize), by: batchSize).map { start in
            data.batch(Array(start..<min(data.count, start + batchSize))).inputs
        }
        model.recalibrateBatchNorm(batches)
        model.eval()
        return losses
    }
}
