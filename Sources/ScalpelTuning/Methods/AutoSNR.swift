import ScalpelEngine
import ScalpelNN

/// Auto-SNR (the paper's Section 4): before every epoch, measure how consistent each tensor's
/// gradient is across examples and freeze the noisy ones for the epoch. For tensor i with
/// per-example gradients g_{i,j,k} (entry j, example k of one mini-batch of n examples),
///
///     SNR_i = mean_j [ (mean_k g_{i,j,k})² / (var_k g_{i,j,k} + ε) ],
///
/// with the population variance (divide by n) and ε = 1e-30 against 0/0 for entries whose
/// gradient is zero for every example. The SNRs are normalized to [0, 1] across tensors
/// (min-max) and tensors under the threshold (the method's hyperparameter) are frozen for the
/// epoch. The normalized SNRs are recorded per epoch.
///
/// Per-example gradients come from one forward and backward pass per example, with BatchNorm
/// in eval mode (running statistics: a batch of one has no batch statistics to speak of).
public struct AutoSNR: FineTuningMethod {
    /// Threshold grid used when none is given.
    public static let defaultThresholds: [Double] = [0.05, 0.2, 0.5]

    /// Auto-SNR; its threshold comes from each grid point's hyperparameter.
    public init() {}

    /// Every parameter of `model`.
    public func candidates(in model: BlockModel) -> Set<String> { allParameterNames(model) }

    /// One run at `point`, freezing tensors with normalized SNR under the point's threshold
    /// (`defaultThresholds[0]`, 0.05, when the point has none; the result records the value used).
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        var p = point
        p.hyperparameter = point.hyperparameter ?? Self.defaultThresholds[0]
        return runPolicy(Policy(threshold: p.hyperparameter!), candidates: candidates(in: session.model),
                         at: p, in: session)
    }

    /// SNR_i of every tensor in `names`, from the per-example gradients of `examples[indices]`.
    public static func signalToNoise(model: BlockModel, names: Set<String>, examples: ExampleSet,
                                     indices: [Int]) -> [String: Double] {
        var sum: [String: [Double]] = [:]
        var sumSquares: [String: [Double]] = [:]
        for k in indices {
            let g = GradientProbe.gradients(of: names, model: model, examples: examples, indices: [k], batchNorm: .frozen)
            for (name, values) in g {
                var s = sum[name] ?? [Double](repeating: 0, count: values.count)
                var q = sumSquares[name] ?? [Double](repeating: 0, count: values.count)
                for j in values.indices {
                    let v = Double(values[j])
                    s[j] += v
                    q[j] += v * v
                }
                sum[name] = s
                sumSquares[name] = q
            }
        }
        let n = Double(indices.count)
        var snr: [String: Double] = [:]
        for (name, s) in sum {
            let q = sumSquares[name]!
            var total = 0.0
            for j in s.indices {
                let mean = s[j] / n
                let variance = max(q[j] / n - mean * mean, 0)
                total += mean * mean / (variance + 1e-30)
            }
            snr[name] = total / Double(max(s.count, 1))
        }
        return snr
    }

    struct Policy: EpochPolicy {
        let threshold: Double

        mutating func beforeEpoch(_ epoch: Int, context: EpochContext) -> [String: Double]? {
            let batch = GradientProbe.batches(of: context.tune, size: context.options.batchSize, count: 1,
                                              seed: context.seed).first ?? []
            let snr = minMaxNormalized(AutoSNR.signalToNoise(model: context.model, names: context.candidates,
                                                             examples: context.tune, indices: batch))
            context.model.freeze()
            context.model.unfreeze(Set(snr.filter { $0.value >= threshold }.keys))
            return snr
        }
    }
}
