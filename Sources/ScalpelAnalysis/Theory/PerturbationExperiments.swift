import ScalpelEngine
import ScalpelNN

/// One tuning's outcome in a theory experiment.
public struct TuningOutcome: Codable, Sendable {
    /// Which parameters were tuned: first layer, last layer or both.
    public var tuning: TwoLayerTuning
    /// Target loss at the end of tuning (the last entry of `trace.targetLoss`).
    public var finalTargetLoss: Double
    /// Train and target losses recorded during tuning.
    public var trace: LossTrace
}

/// The result of one perturbation experiment: each tuning's final target loss, and a lower
/// bound that one tuning provably cannot go below (derivation in `boundReason`).
public struct PerturbationResult: Codable, Sendable {
    /// A human-readable name of the perturbation (`input perturbation x → Ax`, …).
    public var name: String
    /// One outcome per tuning (first, last, all).
    public var outcomes: [TuningOutcome]
    /// The tuning whose loss the bound constrains.
    public var boundedTuning: TwoLayerTuning
    /// A lower bound on `boundedTuning`'s target loss, for every value of its parameters.
    public var lowerBound: Double
    /// Why `lowerBound` holds, in words.
    public var boundReason: String

    /// The final target loss of `tuning`, or NaN when it was not run.
    public func loss(_ tuning: TwoLayerTuning) -> Double {
        outcomes.first { $0.tuning == tuning }?.finalTargetLoss ?? .nan
    }
}

/// Fine-tunes each of first / last / all from (B⁰, v⁰) on (x, y). The step is the settings' rate,
/// capped at 1/L for tunings that move v (L = `lastLayerSmoothness` of the frozen features), so
/// the convex last-layer problem never diverges.
func tuneEach(b0: [[Double]], v0: [Double], inputs x: [[Double]], targets y: [Double],
              settings s: PerturbationSettings) -> [TuningOutcome] {
    let features = TwoLayerSetup.apply(b0, to: x).map { $0.map { max($0, 0) } }
    let cap = Float(1 / max(LinearAlgebra.lastLayerSmoothness(features: features), 1e-12))
    return TwoLayerTuning.allCases.map { tuning in
        let net = TwoLayerSetup.network(b: b0, v: v0, activation: .relu)
        let rate = tuning == .first ? s.learningRate : min(s.learningRate, cap)
        let trace = fineTuneSquaredLoss(net, inputs: TwoLayerSetup.tensor(x), targets: TwoLayerSetup.tensor(y.map { [$0] }),
                                        tuning: tuning, learningRate: rate, steps: s.steps,
                                        recordEvery: max(1, s.steps / 10))
        return TuningOutcome(tuning: tuning, finalTargetLoss: trace.finalTargetLoss, trace: trace)
    }
}

/// Settings of the Section 3.1 experiments: ReLU network f(x) = vᵀ relu(Bx), d inputs, h hidden
/// units, one output, n target examples, full-batch gradient descent.
public struct PerturbationSettings: Codable, Sendable {
    /// Input dimension d.
    public var inputs = 8
    /// Hidden units h.
    public var hidden = 6
    /// Target examples n.
    public var examples = 16
    /// Full-batch gradient-descent steps.
    public var steps = 10_000
    /// Step size η (capped at 1/L for tunings that move the last layer).
    public var learningRate: Float = 0.1
    /// Seed of every random draw (weights, inputs, perturbation).
    public var seed: UInt64 = 0
    /// Default settings: d = 8, h = 6, n = 16, 10,000 steps at rate 0.1, seed 0.
    public init() {}

    /// Proposition 1's defaults: 6 hidden units (first layer 48 weights for 16 examples: room for
    /// gradient descent to fit), learning rate 0.5, 10,000 steps.
    public static var input: PerturbationSettings { var s = PerturbationSettings(); s.learningRate = 0.5; return s }
    /// Proposition 2's defaults: 2 hidden units (positive features are strongly correlated; with
    /// few of them the last-layer least squares is well conditioned), learning rate 0.1, 20,000 steps.
    public static var label: PerturbationSettings {
        var s = PerturbationSettings()
        s.hidden = 2
        s.steps = 20_000
        return s
    }
}

/// Proposition 1, input perturbation: x_tgt = A·x_src (A invertible), y unchanged.
///
/// Construction: B⁰ ~ N(0, 1/d) [h × d], v⁰ ~ N(0, 1/h), source inputs x ~ N(0, I_d), labels
/// y = v⁰ᵀ relu(B⁰x) — so (B⁰, v⁰) has zero source loss, as pre-training would reach;
/// A = I + ¼·G/√d with G ~ N(0, 1) (a mild corruption: gradient descent from B⁰ then finds
/// B⁰A⁻¹'s activation pattern; with ½ it stalls on some draws). First-layer tuning can reach zero target loss (B = B⁰A⁻¹).
/// Last-layer tuning cannot go below the least-squares residual of y on the frozen features
/// Φ = relu(B⁰ A x): L_last(v) ≥ min_v (1/n)‖Φv − y‖² for every v, positive once n > h.
/// Losses are on the n target examples (the empirical target distribution).
public func inputPerturbationExperiment(_ s: PerturbationSettings = .input) -> PerturbationResult {
    var rng = RandomGenerator.derived(seed: s.seed, stream: 41)
    let b0 = TwoLayerSetup.gaussian(s.hidden, s.inputs, std: 1 / Double(s.inputs).squareRoot(), rng: &rng)
    let v0 = TwoLayerSetup.gaussian(1, s.hidden, std: 1 / Double(s.hidden).squareRoot(), rng: &rng)[0]
    let source = TwoLayerSetup.gaussian(s.examples, s.inputs, rng: &rng)
    let y = TwoLayerSetup.outputs(b: b0, v: v0, activation: .relu, inputs: source)
    let g = TwoLayerSetup.gaussian(s.inputs, s.inputs, rng: &rng)
    let a = (0..<s.inputs).map { i in (0..<s.inputs).map { j in (i == j ? 1 : 0) + 0.25 * g[i][j] / Double(s.inputs).squareRoot() } }
    let target = TwoLayerSetup.apply(a, to: source)
    let features = TwoLayerSetup.apply(b0, to: target).map { $0.map { max($0, 0) } }
    let bound = LinearAlgebra.leastSquaresResidual(features: features, targets: y)
    let outcomes = tuneEach(b0: b0, v0: v0, inputs: target, targets: y, settings: s)
    return PerturbationResult(name: "input perturbation x → Ax", outcomes: outcomes, boundedTuning: .last,
                              lowerBound: bound,
                              boundReason: "least-squares residual of y on the frozen target features relu(B⁰Ax)")
}

/// Proposition 2, label perturbation: same inputs, y_tgt = t·y_src with t < 0.
///
/// Construction: positive inputs x ~ U(0.1, 1.1)^d, B⁰ with entries U(0.1, 1)/√d and v⁰ with
/// entries U(0.1, 1), so y = v⁰ᵀ relu(B⁰x) > 0; t = −1. Last-layer tuning reaches zero loss
/// (v = t·v⁰; the problem is least squares, convex). First-layer tuning cannot: for every B,
/// f(x) = v⁰ᵀ relu(Bx) ≥ 0 > y_tgt, so (f − y_tgt)² ≥ y_tgt² and L_first ≥ (1/n) Σ y_tgt².
public func labelPerturbationExperiment(_ s: PerturbationSettings = .label,
                                        scale t: Double = -1) -> PerturbationResult {
    precondition(t < 0, "labelPerturbationExperiment: the bound holds for t < 0")
    var rng = RandomGenerator.derived(seed: s.seed, stream: 42)
    let b0 = TwoLayerSetup.uniform(s.hidden, s.inputs, 0.1 / Double(s.inputs).squareRoot(),
                                   1 / Double(s.inputs).squareRoot(), rng: &rng)
    let v0 = TwoLayerSetup.uniform(1, s.hidden, 0.1, 1, rng: &rng)[0]
    let inputs = TwoLayerSetup.uniform(s.examples, s.inputs, 0.1, 1.1, rng: &rng)
    let y = TwoLayerSetup.outputs(b: b0, v: v0, activation: .relu, inputs: inputs).map { t * $0 }
    let bound = y.map { $0 * $0 }.reduce(0, +) / Double(y.count)
    let outcomes = tuneEach(b0: b0, v0: v0, inputs: inputs, targets: y, settings: s)
    return PerturbationResult(name: "label perturbation y → \(t)·y", outcomes: outcomes, boundedTuning: .first,
                              lowerBound: bound, boundReason: "mean of y_tgt²: v⁰ ≥ 0 makes every prediction ≥ 0 > y_tgt")
}
