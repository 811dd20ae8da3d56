#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScalpelEngine

/// Convolution → BatchNorm → (+ residual) → ReLU?, the unit every ResNet here is made of.
///
/// When nothing in it needs a gradient and the BatchNorm is a fixed affine map (evaluation
/// mode with running statistics), the BatchNorm folds into the convolution,
///   s = γ/√(σ²_run + ε),  w′[o] = s[o]·w[o],  b′[o] = s[o]·(b[o] − μ_run[o]) + β[o],
/// and the residual add and the ReLU run as the convolution's epilogue (`conv2dInference`).
/// That is the case for evaluation and for the frozen blocks below a fine-tuned one. Otherwise
/// the ops run and record their graph, with the residual add and the ReLU fused into the
/// BatchNorm's normalization pass. Both paths agree up to float rounding.
func convBatchNorm(_ conv: Conv2d, _ bn: BatchNorm2d, _ x: Tensor, residual: Tensor? = nil, relu: Bool) -> Tensor {
    guard InferenceFusion.isEnabled, bn.isFixedAffine, let padding = conv.densePadding(for: x),
          !GradMode.isEnabled || ![x, conv.weight, conv.bias, bn.weight, bn.bias, residual].contains(where: { $0?.requiresGrad == true })
    else { return bn(conv(x), residual: residual, relu: relu) }
    let (w, b) = bn.foldedIntoConvolution(conv)
    return conv2dInference(x, weight: w, bias: b, stride: conv.stride, padding: padding, residual: residual, relu: relu)
}

/// Whether frozen conv → BatchNorm → ReLU units run fused in evaluation mode: on unless the
/// environment sets `SCALPEL_FUSION=off`. Off, every op runs on its own: for comparisons
/// (`scalpel bench model`) and to rule the fusion out when debugging.
public enum InferenceFusion {
    /// Whether the fusion is on for the current task (default: not `SCALPEL_FUSION=off`, read once);
    /// bind it for a scope with `InferenceFusion.$isEnabled.withValue(_:)`.
    @TaskLocal public static var isEnabled: Bool = getenv("SCALPEL_FUSION").map { String(cString: $0) } != "off"
}

extension BatchNorm2d {
    /// Evaluation mode with the running statistics, i.e. y = s·x + t with constant s and t.
    var isFixedAffine: Bool { !isTraining && !(testTimePrior?.isFinite ?? false) }

    /// The weight and bias of `conv` followed by this BatchNorm in evaluation mode (see
    /// `convBatchNorm`), computed in Double.
    func foldedIntoConvolution(_ conv: Conv2d) -> (weight: Tensor, bias: Tensor) {
        let out = conv.weight.shape[0], perOutput = conv.weight.count / out
        let w = conv.weight.contiguous().toArray()
        let (gamma, beta) = (weight.toArray(), bias.toArray())
        let (mean, variance) = (runningMean.toArray(), runningVar.toArray())
        let convBias = conv.bias?.toArray() ?? [Float](repeating: 0, count: out)
        var folded = [Float](repeating: 0, count: w.count), shift = [Float](repeating: 0, count: out)
        for o in 0..<out {
            let s = Double(gamma[o]) / (Double(variance[o]) + Double(eps)).squareRoot()
            for k in (o * perOutput)..<((o + 1) * perOutput) { folded[k] = Float(Double(w[k]) * s) }
            shift[o] = Float((Double(convBias[o]) - Double(mean[o])) * s + Double(beta[o]))
        }
        return (Tensor(shape: conv.weight.shape, data: folded), Tensor(shape: [out], data: shift))
    }
}
