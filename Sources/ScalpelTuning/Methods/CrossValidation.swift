import ScalpelNN

/// Cross-Val (the paper's Table 4): surgical fine-tuning of every block in turn, keeping the
/// block with the best target validation accuracy. Its test accuracy is that of the chosen
/// block's run, so it costs one run per block and tracks the best block of each shift.
///
/// Within one grid point (learning rate, seed) the block is chosen by its run's best validation
/// accuracy (ties: the earlier block); the protocol then chooses the learning rate the same way,
/// which together is the authors' joint choice of (block, learning rate, epoch) by validation.
public struct CrossValidation: FineTuningMethod {
    public init() {}

    public func candidates(in model: BlockModel) -> Set<String> { allParameterNames(model) }

    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        let model = session.model
        var best: RunResult? = nil
        var scores: [String: Double] = [:]
        var seconds = 0.0
        for block in model.blocks {
            let names = Set(model.namedParameters().map(\.0).filter { block.contains($0) })
            guard !names.isEmpty else { continue }
            var result = runPolicy(FixedSelection(), candidates: names, at: point, in: session)
            result.selection = block.name
            seconds += result.seconds
            if result.status == .done, let v = result.bestValidationAccuracy {
                scores[block.name] = v
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
