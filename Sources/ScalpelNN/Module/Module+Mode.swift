/// Whether BatchNorm's running statistics move while a model trains.
///
/// - `frozen` (the authors' default for fine-tuning): BatchNorm layers stay in evaluation mode,
///   so the pre-trained running statistics normalize the target batches and are never updated,
///   while every other module trains (dropout, drop-connect).
/// - `updating`: BatchNorm normalizes with the batch statistics and updates its running
///   statistics (momentum 0.1), as after PyTorch's `model.train()`.
///
/// Chosen independently of which parameters train, and recorded with every result under the
/// raw values `eval` and `train` (the spellings of specifications, databases and the CLI).
public enum BatchNormPolicy: String, Sendable, CaseIterable, Codable {
    /// BatchNorm stays in evaluation mode (running statistics used, never updated); raw value `eval`.
    case frozen = "eval"
    /// BatchNorm uses and updates batch statistics; raw value `train`.
    case updating = "train"

    /// The former name of `frozen`.
    @available(*, deprecated, renamed: "frozen")
    public static var eval: BatchNormPolicy { .frozen }

    /// The former name of `updating`.
    @available(*, deprecated, renamed: "updating")
    public static var train: BatchNormPolicy { .updating }
}

/// The mode of a whole model tree: evaluation, or training with a BatchNorm policy.
public enum ModuleMode: Sendable, Equatable {
    /// Every module in evaluation mode (BatchNorm normalizes with its running statistics).
    case eval
    /// Every module in training mode, BatchNorm as `batchNorm` says.
    case train(batchNorm: BatchNormPolicy)
}

extension Module {
    /// Puts the tree in training mode with BatchNorm layers as `policy` says.
    ///
    /// Prefer this to `train()` before fine-tuning: `train()` is PyTorch's `model.train()`,
    /// which puts BatchNorm in training mode too, so every forward pass moves the running
    /// statistics — even of BatchNorm layers whose parameters are frozen. A patch saved after
    /// training only `block1` that way carries every BatchNorm's statistics as well (105 tensors
    /// instead of 24), and the "frozen" blocks are no longer the pre-trained ones.
    /// `train(batchNorm: .frozen)` trains the selected parameters and nothing else moves.
    public func train(batchNorm policy: BatchNormPolicy) {
        train(true)
        if policy == .frozen {
            for (_, m) in namedModules() where m is BatchNorm2d {
                m.isTraining = false
                m.didSetTraining()
            }
        }
    }

    /// Puts the tree in `mode`.
    public func setMode(_ mode: ModuleMode) {
        switch mode {
        case .eval: eval()
        case .train(let policy): train(batchNorm: policy)
        }
    }

    /// Runs `body` with the tree in `mode`, then restores every module's previous mode (and each
    /// BatchNorm's test-time prior), also when `body` throws.
    public func withMode<R>(_ mode: ModuleMode, _ body: () throws -> R) rethrows -> R {
        try withModesRestored {
            setMode(mode)
            return try body()
        }
    }

    /// Runs `body`, then restores the mode every module had before (`isTraining`, and each
    /// BatchNorm's `testTimePrior`), also when `body` throws. For code that sets modes module by
    /// module; `withMode` covers the common case.
    public func withModesRestored<R>(_ body: () throws -> R) rethrows -> R {
        let saved = namedModules().map { ($0.1, $0.1.isTraining, ($0.1 as? BatchNorm2d)?.testTimePrior) }
        defer {
            for (m, training, prior) in saved {
                if m.isTraining != training {
                    m.isTraining = training
                    m.didSetTraining()
                }
                (m as? BatchNorm2d)?.testTimePrior = prior
            }
        }
        return try body()
    }

    /// Puts the tree in training mode, with BatchNorm layers in the mode `policy` says.
    @available(*, deprecated, renamed: "train(batchNorm:)")
    public func trainForFineTuning(batchNorm policy: BatchNormPolicy) { train(batchNorm: policy) }
}
