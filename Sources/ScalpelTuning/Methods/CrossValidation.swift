import ScalpelNN

/// Cross-Val (the paper's Table 4): surgical fine-tuning of every block in turn, keeping the
/// block with the best target validation accuracy. Its test accuracy is that of the chosen
/// block's run, so it costs one run per block and tracks the best block of each shift.
///
/// Within one grid point (learning rate, seed) the block is chosen by its run's best validation
/// accuracy (ties: the earlier block); the protocol then chooses the learning rate the same way,
/// which together is the authors' joint choice of (block, learning rate, epoch) by validation.
///
/// The run of block b is `surgical:b` at the same grid point: the block's parameters trained
/// from θ⁰ on data advanced past the frozen prefix, bit for bit the standalone run (the prefix
/// activations are the same whichever run cached them). So when the session has a
/// `BlockRunStore`, a block run it holds is taken as it is and only the others are computed
/// (and handed to the store); `compose` then makes the same result from either.
public struct CrossValidation: FineTuningMethod {
    /// Cross-Val; it has no configuration.
    public init() {}

    /// Every parameter of `model` (each block is a candidate in turn).
    public func candidates(in model: BlockModel) -> Set<String> { allParameterNames(model) }

    /// Surgical runs of every block that holds parameters at `point`, reporting the block with the
    /// best validation accuracy (its name in `selection`, every block's in `candidateValidation`).
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        let model = session.model
        var runs: [(block: String, result: RunResult)] = []
        for block in model.blocks {
            let names = Set(model.namedParameters().map(\.0).filter { block.contains($0) })
            guard !names.isEmpty else { continue }
            if let recorded = session.blockRuns?.recordedRun(ofBlock: block.name, at: point) {
                runs.append((block.name, recorded))
                continue
            }
            var result = runPolicy(FixedSelection(), candidates: names, at: point, in: session)
            result.selection = block.name
            session.blockRuns?.record(result, ofBlock: block.name, at: point)
            runs.append((block.name, result))
        }
        return Self.compose(runs, at: point)
    }

    /// Cross-Val's result at `point` from the runs of its blocks, in block order: the done run
    /// with the best validation accuracy (ties: the earlier block; none done: a diverged result),
    /// its `selection` the block, `candidateValidation` every done block's best validation
    /// accuracy, and `seconds` the sum of every block run's seconds (diverged ones included),
    /// so that its cost is that of all its runs, wherever they were computed.
    public static func compose(_ runs: [(block: String, result: RunResult)], at point: GridPoint) -> RunResult {
        var best: RunResult? = nil
        var scores: [String: Double] = [:]
        var seconds = 0.0
        for (block, run) in runs {
            var result = run
            result.selection = block
            result.method = nil
            seconds += result.seconds
            if result.status == .done, let v = result.bestValidationAccuracy {
                scores[block] = v
                if best == nil || v > best!.bestValidationAccuracy! { best = result }
            }
        }
        var chosen = best ?? RunResult(learningRate: point.learningRate, seed: point.seed,
                                       hyperparameter: point.hyperparameter, status: .diverged, epochs: [],
                                       bestEpoch: nil, bestValidationAccuracy: nil, test: nil, seconds: 0)
        chosen.candidateValidation = scores
        chosen.seconds = seconds
        return chosen
    }
}
