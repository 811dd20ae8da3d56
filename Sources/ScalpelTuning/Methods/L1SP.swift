import ScalpelEngine
import ScalpelNN

/// L1 regularization toward the pre-trained weights ("L1-SP", Li, Grandvalet & Davoine 2018;
/// the paper's "Regularize" baseline): full fine-tuning of
///
///     L_tgt(θ) + λ · Σ_i ‖θ_i − θ⁰_i‖₁,
///
/// summed over every parameter element. The penalty's gradient is λ·sign(θ − θ⁰) (0 at θ = θ⁰,
/// as `abs` defines it), which pulls each weight back toward its pre-trained value. λ is the
/// method's hyperparameter, chosen by validation with the learning rate. Tensors the tuner
/// always trains (`FineTuner.alwaysTrained`, a new head) have no pre-trained value and are not
/// penalized.
public struct L1SP: FineTuningMethod {
    /// λ grid used when none is given.
    public static let defaultLambdas: [Double] = [1e-3, 1e-4, 1e-5]

    /// L1-SP; λ comes from each grid point's hyperparameter.
    public init() {}

    /// Every parameter of `model`.
    public func candidates(in model: BlockModel) -> Set<String> { allParameterNames(model) }

    /// One full fine-tuning run at `point` with the L1 penalty λ·Σ‖θ − θ⁰‖₁ (λ = `defaultLambdas[0]`,
    /// 1e-3, when the point has none; the result records the value used).
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        let lambda = Float(point.hyperparameter ?? Self.defaultLambdas[0])
        var p = point
        p.hyperparameter = Double(lambda)
        return runPolicy(Policy(lambda: lambda, anchors: Self.anchors(in: session)), candidates: candidates(in: session.model),
                         at: p, in: session)
    }

    /// θ⁰ of every parameter the penalty pulls toward: all but the tuner's `alwaysTrained`.
    static func anchors(in session: TuningSession) -> [(String, Tensor)] {
        session.model.namedParameters().filter { !session.tuner.alwaysTrained.contains($0.0) }
            .map { name, _ in (name, session.tuner.base[name]!) }
    }

    struct Policy: EpochPolicy {
        let lambda: Float
        /// θ⁰ of every parameter, by name.
        let anchors: [(String, Tensor)]

        func regularizer(_ model: BlockModel) -> Tensor? {
            let current = Dictionary(uniqueKeysWithValues: model.namedParameters())
            var total: Tensor? = nil
            for (name, anchor) in anchors {
                guard let theta = current[name], theta.requiresGrad else { continue }
                let term = (theta - anchor).abs().sum()
                total = total.map { $0 + term } ?? term
            }
            return total.map { $0 * lambda }
        }
    }
}
