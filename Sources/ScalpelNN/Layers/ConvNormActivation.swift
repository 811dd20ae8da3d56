import ScalpelEngine

/// The activation after a convolution and BatchNorm in the mobile families.
public enum Activation: String, Sendable, CaseIterable {
    /// y = x.
    case identity
    /// y = max(x, 0).
    case relu
    /// y = min(max(x, 0), 6) (MobileNetV2, EfficientNet-Lite).
    case relu6
    /// y = x·σ(x) (EfficientNet).
    case silu
    /// y = x·relu6(x + 3)/6 (MobileNetV3).
    case hardswish

    /// Applies the activation (with its gradient; see the engine ops).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: x
        case .relu: x.relu()
        case .relu6: x.relu6()
        case .silu: x.silu()
        case .hardswish: x.hardswish()
        }
    }
}

/// Convolution → BatchNorm → activation, as torchvision's `Conv2dNormActivation`: children
/// named `0` (the convolution) and `1` (the BatchNorm); the activation has no parameters.
public final class ConvNormActivation: Module {
    /// The convolution (child `0`).
    public let conv: Conv2d
    /// The BatchNorm after it (child `1`).
    public let bn: BatchNorm2d
    /// The activation applied last (no parameters, so not a child).
    public let activation: Activation

    /// A unit made of the given convolution and BatchNorm (their channel counts are not checked here).
    public init(conv: Conv2d, bn: BatchNorm2d, activation: Activation) {
        self.conv = conv
        self.bn = bn
        self.activation = activation
    }

    /// `0` (the convolution) and `1` (the BatchNorm), as torchvision's `Conv2dNormActivation` names them.
    public override func children() -> [(String, Module)] { [("0", conv), ("1", bn)] }

    /// activation(bn(conv(x))); the BatchNorm folds into the convolution when nothing needs a gradient and
    /// it is in plain evaluation mode (see `convBatchNorm`).
    public func callAsFunction(_ x: Tensor) -> Tensor { convBatchNorm(conv, bn, x, activation: activation) }
}

/// activation(bn(conv(x)) + residual?) for any convolution (grouped, "same"-padded).
///
/// When nothing needs a gradient and the BatchNorm is a fixed affine map (evaluation mode),
/// the BatchNorm folds into the convolution's weight and bias (see `foldedIntoConvolution`),
/// saving its pass over the activation; dense symmetric convolutions go to `convBatchNorm`'s
/// fused kernels. Otherwise the ops run and record their graph.
func convBatchNorm(_ conv: Conv2d, _ bn: BatchNorm2d, _ x: Tensor, residual: Tensor? = nil,
                   activation: Activation) -> Tensor {
    if activation == .relu || (activation == .identity && residual == nil) {
        return convBatchNorm(conv, bn, x, residual: residual, relu: activation == .relu)
    }
    let frozen = !GradMode.isEnabled
        || ![x, conv.weight, conv.bias, bn.weight, bn.bias, residual].contains(where: { $0?.requiresGrad == true })
    var y: Tensor
    if InferenceFusion.isEnabled, bn.isFixedAffine, frozen {
        let (w, b) = bn.foldedIntoConvolution(conv)
        y = withNoGrad { conv(x, weight: w, bias: b) }
    } else {
        y = bn(conv(x))
    }
    if let residual { y = y + residual }
    return activation(y)
}
