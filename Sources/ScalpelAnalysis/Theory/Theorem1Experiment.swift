import ScalpelEngine
import ScalpelNN

/// Settings of Theorem 1's setting (Section 3.2, proof in A.2): linear two-layer network with a
/// one-dimensional representation, f(x) = v·(Bx), B [1 × d], v scalar.
public struct Theorem1Settings: Codable, Sendable {
    /// Input dimension d.
    public var inputs = 8
    /// Dimension of the source subspace S.
    public var sourceDimension = 4
    /// Dimension of the orthogonal subspace T that the target adds.
    public var newDimension = 2
    /// Target fine-tuning examples drawn from the source part (fewer than `sourceDimension`,
    /// so they cannot span S) and from the new part (at least `newDimension`, so they span T).
    public var sourceExamples = 2
    /// Target fine-tuning examples drawn from the new part T (at least `newDimension` to span it).
    public var newExamples = 6
    /// Held-out target examples per part to measure the target loss.
    public var heldOutPerPart = 1000
    /// Size of the pre-trained first layer's (wrong) component in T.
    public var newDirectionWeight: Double = 3
    /// Full-batch gradient-descent steps.
    public var steps = 4000
    /// Step size η of gradient descent.
    public var learningRate: Float = 0.02
    /// Seed of every random draw (bases, w*, inputs).
    public var seed: UInt64 = 0
    /// Default settings: d = 8, dim S = 4, dim T = 2, 2 + 6 tuning examples, 1000 held-out per part,
    /// component 3 in T, 4000 steps at rate 0.02, seed 0.
    public init() {}
}

/// The outcome: target loss over training for first-layer, full and last-layer tuning.
public struct Theorem1Result: Codable, Sendable {
    /// The settings the experiment ran with.
    public var settings: Theorem1Settings
    /// Outcomes of first-layer, full and last-layer tuning, in that order.
    public var outcomes: [TuningOutcome]

    /// The outcome of `tuning`; traps when it was not run (every result of `theorem1Experiment` has all three).
    public func outcome(_ tuning: TwoLayerTuning) -> TuningOutcome { outcomes.first { $0.tuning == tuning }! }
}

/// Theorem 1: with few target examples whose inputs add new directions, first-layer tuning
/// reaches zero target loss while full fine-tuning keeps a positive loss throughout.
///
/// Construction (A.2): orthonormal bases S (k columns) and T (m columns), orthogonal to each
/// other; labels y = w*ᵀx on both source and target, w* ~ N(0, I_d). Source inputs x = S·z,
/// z ~ N(0, I_k); the target is the equal mixture of the source and of x = T·z', z' ~ N(0, I_m).
/// Pre-trained parameters: v⁰ = 1, B⁰ = w*ᵀP_S + c·r with P_S the projection on S and r a unit
/// random vector in T — a source-loss minimizer (what gradient descent on source data reaches:
/// it never moves B in T, where B keeps its initialization c·r), wrong on T.
/// First-layer tuning moves B only within the span of the tuning inputs, so on source directions
/// the examples miss it keeps B⁰ (correct), and it fits T: zero target loss. Full tuning also
/// changes v, which rescales the prediction on every unseen source direction: positive loss.
public func theorem1Experiment(_ s: Theorem1Settings = Theorem1Settings()) -> Theorem1Result {
    precondition(s.sourceDimension + s.newDimension <= s.inputs, "theorem1Experiment: subspaces exceed the input dimension")
    var rng = RandomGenerator.derived(seed: s.seed, stream: 43)
    let basis = LinearAlgebra.orthonormalBasis(TwoLayerSetup.gaussian(s.inputs, s.inputs, rng: &rng))
    let sBasis = Array(basis[0..<s.sourceDimension])
    let tBasis = Array(basis[s.sourceDimension..<(s.sourceDimension + s.newDimension)])
    let w = TwoLayerSetup.gaussian(1, s.inputs, rng: &rng)[0]
    func combine(_ vectors: [[Double]], _ coefficients: [Double]) -> [Double] {
        (0..<s.inputs).map { i in zip(vectors, coefficients).reduce(0) { $0 + $1.0[i] * $1.1 } }
    }
    let projected = combine(sBasis, sBasis.map { LinearAlgebra.dot($0, w) })           // P_S w*
    let r = combine(tBasis, TwoLayerSetup.gaussian(1, s.newDimension, rng: &rng)[0])
    let rNorm = LinearAlgebra.dot(r, r).squareRoot()
    let b0 = [zip(projected, r).map { $0 + s.newDirectionWeight * $1 / rNorm }]
    func sample(_ count: Int, _ vectors: [[Double]]) -> [[Double]] {
        (0..<count).map { _ in combine(vectors, TwoLayerSetup.gaussian(1, vectors.count, rng: &rng)[0]) }
    }
    let tuneInputs = sample(s.sourceExamples, sBasis) + sample(s.newExamples, tBasis)
    let heldOut = sample(s.heldOutPerPart, sBasis) + sample(s.heldOutPerPart, tBasis)
    func labels(_ x: [[Double]]) -> Tensor { TwoLayerSetup.tensor(x.map { [LinearAlgebra.dot(w, $0)] }) }
    let outcomes = [TwoLayerTuning.first, .all, .last].map { tuning in
        let net = TwoLayerSetup.network(b: b0, v: [1], activation: .identity)
        let trace = fineTuneSquaredLoss(net, inputs: TwoLayerSetup.tensor(tuneInputs), targets: labels(tuneInputs),
                                        tuning: tuning, learningRate: s.learningRate, steps: s.steps,
                                        recordEvery: max(1, s.steps / 20),
                                        evaluation: (TwoLayerSetup.tensor(heldOut), labels(heldOut)))
        return TuningOutcome(tuning: tuning, finalTargetLoss: trace.finalTargetLoss, trace: trace)
    }
    return Theorem1Result(settings: s, outcomes: outcomes)
}
