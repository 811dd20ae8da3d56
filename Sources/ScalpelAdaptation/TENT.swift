import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// TENT, fully test-time adaptation by entropy minimization (Wang et al. 2020), online.
///
/// For each test batch x (in order): BatchNorm normalizes with the batch's statistics (train
/// mode); loss = (1/N) Σ_i H(softmax(f(x_i; θ))) (`entropy(logits:)`); predictions are the
/// argmax of that same forward pass (made before the update, as TENT's code returns them);
/// one optimizer step on the BatchNorm affine parameters γ, β only — intersected with a
/// selection when one is given (the paper's A.6 tried this freezing and dropped it). Updates
/// accumulate over batches. The running statistics are restored after every batch, so the
/// model's state differs from θ⁰ only in the tensors TENT trains.
public final class TENT {
    /// The adapted model; everything except `selection` is frozen and the running statistics are
    /// restored after every batch.
    public let model: BlockModel
    /// Names of the BatchNorm affine tensors that adapt.
    public let selection: Set<String>
    /// The optimizer of the selected tensors; its state carries over from batch to batch.
    public let optimizer: Optimizer
    private let trainable: [(String, Tensor)]
    private let buffers: [(Tensor, Tensor)]

    /// The names of every BatchNorm weight and bias of `model`.
    public static func batchNormAffineNames(in model: Module) -> Set<String> {
        var names = Set<String>()
        for (name, m) in model.namedModules() where m is BatchNorm2d {
            names.insert(name + ".weight")
            names.insert(name + ".bias")
        }
        return names
    }

    /// Prepares `model` (its current state is θ⁰) to adapt its BatchNorm affine parameters,
    /// only those in `within` when given.
    public init(model: BlockModel, within: Set<String>? = nil,
                optimizer: AdaptationOptimizer = AdaptationOptimizer(kind: .adamw, learningRate: 1e-3, weightDecay: 0)) throws {
        var names = Self.batchNormAffineNames(in: model)
        guard !names.isEmpty else { throw AdaptationError.nothingToTrain("TENT: the model has no BatchNorm layer") }
        if let within { names.formIntersection(within) }
        guard !names.isEmpty else {
            throw AdaptationError.nothingToTrain("TENT: the selection contains no BatchNorm weight or bias")
        }
        self.model = model
        selection = names
        trainable = model.namedParameters().filter { names.contains($0.0) }
        self.optimizer = optimizer.make()
        buffers = model.namedBuffers().map { ($0.1.tensor, $0.1.tensor.clone()) }
        model.freeze()
        model.unfreeze(names)
    }

    /// Adapts on one batch `x` [N, C, H, W] and returns its predictions and mean entropy.
    public func adaptAndPredict(_ x: Tensor) -> (predictions: [Int], loss: Float) {
        model.setTestTimeNormalization(.batch)
        let logits = model(x)
        let loss = entropy(logits: logits)
        model.zeroGrad()
        loss.backward()
        optimizer.step(trainable)
        model.zeroGrad()
        for (live, saved) in buffers { live.copyValues(from: saved) }
        model.eval()
        return (logits.argmax(axis: 1), loss.item)
    }

    /// Adapts over `set` in batches of `batchSize`, in order; a curve point every `every` images.
    public func run(_ set: ImageSet, batchSize: Int = 64, every: Int = 100,
                    progress: ((Int, Double) -> Void)? = nil) throws -> AdaptationResult {
        guard batchSize > 0 else { throw AdaptationError.notPositive("batch size", batchSize) }
        guard set.count > 0 else { throw AdaptationError.emptyTestSet }
        let started = Date()
        var predictions: [Int] = []
        var lossSum = 0.0, batches = 0
        for start in stride(from: 0, to: set.count, by: batchSize) {
            let idx = Array(start..<min(set.count, start + batchSize))
            let (p, loss) = adaptAndPredict(set.batch(idx))
            predictions += p
            lossSum += Double(loss)
            batches += 1
            let hits = zip(predictions, set.labels).filter { $0 == $1 }.count
            progress?(predictions.count, Double(hits) / Double(predictions.count))
        }
        return AdaptationResult(predictions: predictions, labels: set.labels, every: every,
                                meanLoss: lossSum / Double(batches), seconds: Date().timeIntervalSince(started))
    }
}
