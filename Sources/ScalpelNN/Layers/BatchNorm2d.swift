import ScalpelEngine

/// Batch normalization over the channels of `[N, C, H, W]` (PyTorch `nn.BatchNorm2d`).
///
/// In training mode it normalizes with the batch statistics and updates the running
/// statistics (momentum 0.1, unbiased variance, `num_batches_tracked += 1`); in evaluation
/// mode it uses the running statistics. Which mode BN runs in during fine-tuning is the
/// `BatchNormPolicy` (`train(batchNorm:)`), independent of which parameters train.
public final class BatchNorm2d: Module {
    /// γ, the per-channel scale `[C]` (state name `weight`; initialized to 1; trainable).
    public let weight: Tensor
    /// β, the per-channel shift `[C]` (state name `bias`; initialized to 0; trainable).
    public let bias: Tensor
    /// The running per-channel mean `[C]` (buffer `running_mean`; starts at 0), used in evaluation mode.
    public let runningMean: Tensor
    /// The running per-channel unbiased variance `[C]` (buffer `running_var`; starts at 1), used in evaluation mode.
    public let runningVar: Tensor
    /// The number of training-mode forward passes, a scalar (buffer `num_batches_tracked`, stored as int64).
    public let numBatchesTracked: Tensor
    /// Weight of the current batch in the running statistics (PyTorch's `momentum`).
    public var momentum: Float
    /// ε, added to the variance before the square root (default 1e-5).
    public let eps: Float
    /// Test-time prior strength N (MEMO's BatchNorm adaptation; Schneider et al. 2020). When set,
    /// evaluation mode normalizes a batch of B images with its own statistics mixed into the
    /// running ones: μ = (N·μ_run + B·μ_batch)/(N + B), σ² = (N·σ²_run + B·σ²_batch)/(N + B)
    /// (σ²_batch unbiased, as PyTorch's running updates). The mixed statistics are constants for
    /// autodiff and the running statistics are not changed. nil or +∞: plain evaluation mode.
    public var testTimePrior: Float?

    /// A BatchNorm over `channels` channels with γ = 1, β = 0, running mean 0 and variance 1, in training
    /// mode; `momentum` and `eps` as PyTorch's defaults (0.1, 1e-5). Nothing is validated.
    public init(_ channels: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        weight = Tensor.ones([channels], requiresGrad: true)
        bias = Tensor.zeros([channels], requiresGrad: true)
        runningMean = Tensor.zeros([channels])
        runningVar = Tensor.ones([channels])
        numBatchesTracked = Tensor.zeros([])
        self.momentum = momentum
        self.eps = eps
    }

    /// `weight` (γ) and `bias` (β).
    public override func ownParameters() -> [(String, Tensor)] { [("weight", weight), ("bias", bias)] }

    /// `running_mean`, `running_var` and `num_batches_tracked` (int64 in checkpoints), PyTorch's names.
    public override func ownBuffers() -> [(String, Buffer)] {
        [("running_mean", Buffer(runningMean)), ("running_var", Buffer(runningVar)),
         ("num_batches_tracked", Buffer(numBatchesTracked, storedAs: .int64))]
    }

    /// Normalizes `x`; with `residual` r, returns bn(x) + r, and with `relu`, relu(bn(x) (+ r)),
    /// all from the same pass.
    public func callAsFunction(_ x: Tensor, residual: Tensor? = nil, relu: Bool = false) -> Tensor {
        if !isTraining, let prior = testTimePrior, prior.isFinite {
            let y = normalizedWithPrior(x, strength: prior)
            guard let residual else { return relu ? y.relu() : y }
            return relu ? y.addingReLU(residual) : y + residual
        }
        if isTraining { numBatchesTracked.withUnsafeMutableBufferPointer { $0[0] += 1 } }
        return batchNorm2d(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                           training: isTraining, momentum: momentum, eps: eps, residual: residual, relu: relu)
    }
}

extension BatchNorm2d {
    /// Evaluation-mode normalization with running statistics mixed with `x`'s (see `testTimePrior`).
    func normalizedWithPrior(_ x: Tensor, strength n: Float) -> Tensor {
        let c = runningMean.count
        let batchMean = Tensor.zeros([c]), batchVar = Tensor.ones([c])
        withNoGrad {  // momentum 1: the "running" statistics become the batch's own
            _ = batchNorm2d(x, weight: nil, bias: nil, runningMean: batchMean, runningVar: batchVar, training: true,
                            momentum: 1, eps: eps)
        }
        let b = Float(x.shape[0])
        func mixed(_ running: Tensor, _ batch: Tensor) -> Tensor {
            let r = running.toArray(), q = batch.toArray()
            return Tensor(shape: [c], data: (0..<c).map { (n * r[$0] + b * q[$0]) / (n + b) })
        }
        return batchNorm2d(x, weight: weight, bias: bias, runningMean: mixed(runningMean, batchMean),
                           runningVar: mixed(runningVar, batchVar), training: false, eps: eps)
    }
}

extension BlockModel {
    /// Re-estimates every BatchNorm's running statistics as the plain average of the batch
    /// statistics over `batches` (PyTorch's `momentum=None`, as `swa_utils.update_bn` does).
    ///
    /// Running averages with momentum 0.1 lag behind weights that moved during training; after
    /// a short training run, evaluation with them can be far worse than the model is.
    public func recalibrateBatchNorm(_ batches: [Tensor]) {
        let norms = namedModules().compactMap { $0.1 as? BatchNorm2d }
        let saved = norms.map(\.momentum)
        defer { for (bn, m) in zip(norms, saved) { bn.momentum = m } }
        for bn in norms {
            bn.runningMean.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            bn.runningVar.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
        }
        withModesRestored {  // BatchNorm in training mode, everything else (dropout) in evaluation mode
            eval()
            for bn in norms { bn.isTraining = true }
            withNoGrad {
                for (k, x) in batches.enumerated() {
                    for bn in norms { bn.momentum = 1 / Float(k + 1) }
                    _ = self(x)
                }
            }
        }
    }
}
