import Foundation
import ScalpelNN

/// Successive halving over blocks (ours; the paper's future work asks for an automatic
/// criterion that closes the gap to Cross-Val): Cross-Val's choice of one block by target
/// validation, without training every block to the end.
///
/// Rule, at one grid point (learning rate, seed), with the B blocks that hold parameters as
/// candidates, E epochs and reduction factor η ≥ 2 (default 3):
///
/// 1. Rungs. n₀ = B and n_{k+1} = ⌈n_k / η⌉ until n_K = 1; rung k trains its survivors up to
///    epoch e_k = max(1, ⌈E / η^(K−k)⌉) for k < K, and e_K = E.
///    (ResNet-26, B = 5, E = 15, η = 3: 5 blocks to epoch 2, 2 to epoch 5, 1 to epoch 15.)
/// 2. Every candidate is a surgical run of its block with the protocol's arithmetic
///    (`ResumableRun`): a survivor goes on from where it stopped (same weights, optimizer
///    moments and shuffle), so the last survivor's run is exactly the 15-epoch surgical run of
///    its block, early-stopped on validation as usual.
/// 3. After rung k < K the ⌈n_k / η⌉ best survive, ranked by best target validation accuracy
///    so far, then by validation loss at that epoch (lower first), then block order; a
///    diverged run ranks last and is never chosen.
/// 4. The grid point reports the last survivor's run (`selection` names its block,
///    `candidateValidation` holds each block's best validation accuracy when it stopped,
///    `cost` what was computed); the protocol then chooses the learning rate per seed by
///    validation, as for every method.
///
/// Cost (ResNet-26, η = 3, E = 15), with c_b the cost of an epoch that trains block b: about
/// 2·Σ_b c_b + 3·(c_s + c_t) + 10·c_w for survivors s, t and winner w, against Cross-Val's
/// 15·Σ_b c_b and full fine-tuning's 15·c_all (c_stem, c_block1 ≈ c_all; later blocks less).
public struct SuccessiveHalving: FineTuningMethod {
    /// The default reduction factor η.
    public static let defaultReduction = 3
    /// The reductions `successive-halving:η` accepts.
    public static let reductions = 2...8

    /// η: the fraction 1/η of the candidates survives each rung.
    public let reduction: Int

    /// Successive halving with reduction η (default 3); traps unless η is in `reductions` (2...8).
    public init(reduction: Int = SuccessiveHalving.defaultReduction) {
        precondition(Self.reductions.contains(reduction), "SuccessiveHalving: η = \(reduction) outside \(Self.reductions)")
        self.reduction = reduction
    }

    /// Every parameter of `model` (each block is a candidate).
    public func candidates(in model: BlockModel) -> Set<String> { allParameterNames(model) }

    /// The rungs for `candidates` candidates and `epochs` epochs: (survivors, epoch to train to).
    public func rungs(candidates: Int, epochs: Int) -> [(survivors: Int, epochs: Int)] {
        var counts = [max(candidates, 1)]
        while counts.last! > 1 { counts.append((counts.last! + reduction - 1) / reduction) }
        let halvings = counts.count - 1
        return counts.enumerated().map { k, n in
            guard k < halvings else { return (n, epochs) }
            let denominator = pow(Double(reduction), Double(halvings - k))
            return (n, max(1, min(epochs, Int((Double(epochs) / denominator).rounded(.up)))))
        }
    }

    /// The rungs over the blocks at `point`, reporting the last survivor's run (see the type's rule).
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        let started = Date()
        let model = session.model
        let named = model.namedParameters().map(\.0)
        var alive: [ResumableRun] = []
        for (i, block) in model.blocks.enumerated() {
            let names = Set(named.filter { block.contains($0) })
            guard !names.isEmpty else { continue }
            alive.append(ResumableRun(name: block.name, selection: names, order: i, point: point, session: session))
        }
        let everyone = alive
        for (k, rung) in rungs(candidates: alive.count, epochs: session.tuner.options.epochs).enumerated() {
            if k > 0 { alive = Array(alive.sorted(by: ResumableRun.ranksBefore).prefix(rung.survivors)) }
            for candidate in alive { candidate.train(to: rung.epochs, in: session) }
        }
        let winner = alive.sorted(by: ResumableRun.ranksBefore).first
        var result = winner?.finish(in: session)
            ?? RunResult(learningRate: point.learningRate, seed: point.seed, hyperparameter: point.hyperparameter,
                         status: .diverged, epochs: [], bestEpoch: nil, bestValidationAccuracy: nil, test: nil, seconds: 0)
        result.candidateValidation = Dictionary(uniqueKeysWithValues: everyone.compactMap { c in
            c.best.map { (c.name, $0.accuracy) }
        })
        let data = session.data
        let reference = RunCost.plainRun(epochs: session.tuner.options.epochs, tune: data.tune.count,
                                         validation: data.validation.count, test: data.test.count,
                                         blocks: model.blocks.count, start: 0, firstTrained: 0)
        result.cost = RunCost(forwardExampleBlocks: everyone.reduce(0) { $0 + $1.forward },
                              backwardExampleBlocks: everyone.reduce(0) { $0 + $1.backward },
                              epochsByCandidate: Dictionary(uniqueKeysWithValues: everyone.map { ($0.name, $0.epochsTrained) }),
                              fullFineTuningForward: reference.forward, fullFineTuningBackward: reference.backward)
        result.seconds = Date().timeIntervalSince(started)
        return result
    }
}
