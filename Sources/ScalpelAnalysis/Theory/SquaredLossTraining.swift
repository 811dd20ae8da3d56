import ScalpelEngine
import ScalpelNN
import ScalpelOptim

/// The target loss over a fine-tuning run, recorded at regular steps.
public struct LossTrace: Codable, Sendable {
    /// Steps at which the losses were recorded (0 = before the first step).
    public var steps: [Int]
    /// Loss on the fine-tuning examples.
    public var trainLoss: [Double]
    /// Loss on the held-out target examples (equal to `trainLoss` when none were given).
    public var targetLoss: [Double]

    /// The last recorded target loss (NaN when nothing was recorded).
    public var finalTargetLoss: Double { targetLoss.last ?? .nan }
}

/// Which parameters of the two-layer network f(x) = vᵀφ(Bx) fine-tuning may change.
public enum TwoLayerTuning: String, CaseIterable, Codable, Sendable {
    /// B only (`fc1.weight`).
    case first
    /// v only (`fc2.weight`).
    case last
    /// B and v.
    case all

    var parameterNames: Set<String> {
        switch self {
        case .first: ["fc1.weight"]
        case .last: ["fc2.weight"]
        case .all: ["fc1.weight", "fc2.weight"]
        }
    }
}

/// Full-batch gradient descent (a discretized gradient flow, as in the paper's Section 3.2) on
/// the squared loss L(θ) = (1/n) Σ_i (f(x_i; θ) − y_i)² (`mseLoss`), changing only `tuning`:
///
///     θ_S ← θ_S − η·∇_{θ_S} L,   θ_j fixed for j ∉ S,
///
/// for `steps` steps; records the loss on the tuning examples and on `evaluation` (held-out
/// target data) every `recordEvery` steps and at the end.
public func fineTuneSquaredLoss(_ net: TwoLayerNetwork, inputs x: Tensor, targets y: Tensor, tuning: TwoLayerTuning,
                                learningRate: Float, steps: Int, recordEvery: Int = 100,
                                evaluation: (inputs: Tensor, targets: Tensor)? = nil) -> LossTrace {
    net.freeze()
    net.unfreeze(tuning.parameterNames)
    let trainable = net.trainableParameters()
    let descent = SGD(learningRate: learningRate)
    var trace = LossTrace(steps: [], trainLoss: [], targetLoss: [])
    func record(_ step: Int, _ trainLoss: Double) {
        trace.steps.append(step)
        trace.trainLoss.append(trainLoss)
        let held = evaluation.map { e in Double(withNoGrad { mseLoss(net(e.inputs), e.targets) }.item) }
        trace.targetLoss.append(held ?? trainLoss)
    }
    for step in 0..<steps {
        let loss = mseLoss(net(x), y)
        if step % max(recordEvery, 1) == 0 { record(step, Double(loss.item)) }
        net.zeroGrad()
        loss.backward()
        descent.step(trainable)
    }
    record(steps, Double(withNoGrad { mseLoss(net(x), y) }.item))
    net.zeroGrad()
    return trace
}
