/// Inference convolution with its epilogue fused (no autodiff):
///   y = act(conv2d(x, w) + b + r),  act = ReLU or the identity, r an optional residual.
///
/// A network in evaluation mode whose layers are frozen needs no graph, and a residual block's
/// tail (`relu(bn(conv(h)) + shortcut)`) then folds into one convolution: the BatchNorm into
/// w and b (see `ScalpelNN`'s `foldedIntoConvolution`), the add and the ReLU into oneDNN
/// post-ops applied while the output tile is still in registers. That saves the separate
/// passes over the activation which the unfused ops make (BatchNorm 2, add 1, ReLU 1).
/// The result equals the unfused ops up to float rounding (a few ulps).

/// What a fused inference convolution does after the convolution: add a residual, then ReLU.
public struct ConvEpilogue: Hashable, Sendable, CustomStringConvertible {
    /// Whether a residual tensor (of the output's shape) is added to the convolution's output.
    public var residual: Bool
    /// Whether ReLU is applied last (after the residual, when there is one).
    public var relu: Bool

    /// An epilogue that adds a residual when `residual` and then applies ReLU when `relu`.
    public init(residual: Bool, relu: Bool) {
        self.residual = residual
        self.relu = relu
    }

    /// `epilogue(residual: …, relu: …)`, for plan-cache keys and logs.
    public var description: String { "epilogue(residual: \(residual), relu: \(relu))" }
}

/// y = relu?(conv2d(x, weight) + bias + residual?) without recording a graph. `residual` has
/// the output's shape. Nothing may require a gradient while grad mode is on (use `conv2d` and
/// the separate ops for that). Returns channels-last on the fast backend.
public func conv2dInference(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                            residual: Tensor? = nil, relu: Bool = false) -> Tensor {
    precondition(!GradMode.isEnabled || ![x, weight, bias, residual].contains { $0?.requiresGrad == true },
                 "conv2dInference records no graph, but an input requires a gradient")
    let g = convGeometry(x, weight: weight, bias: bias, stride: stride, padding: padding)
    if let residual {
        precondition(residual.shape == g.outputShape, "conv2dInference: residual \(residual.shape) for output \(g.outputShape)")
    }
    let path = ConvPath.current
    guard path.isChannelsLast else {
        return withNoGrad {
            var y = conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
            if let residual { y = y + residual }
            return relu ? y.relu() : y
        }
    }
    let input = channelsLastInput(x)
    let w = weight.contiguous()
    let r = residual?.converted(to: .channelsLast)
    let out = Tensor(uninitialized: g.outputShape, format: .channelsLast)
    KernelStats.record("conv2d.inference")
    if path == .blas {
        Im2colConv.forward(g, x: input.pointer, weight: w.pointer, bias: bias?.pointer, residual: r?.pointer,
                           relu: relu, out: out.pointer)
        return out
    }
    #if canImport(CScalpelDNNL)
    DNNLContext.shared.withLock { ctx in
        DNNLConvInferencePlan.get(ctx, g, hasBias: bias != nil, epilogue: ConvEpilogue(residual: r != nil, relu: relu))
            .run(ctx, x: input.pointer, weight: w.pointer, bias: bias?.pointer, residual: r?.pointer, out: out.pointer)
    }
    #endif
    return out
}
