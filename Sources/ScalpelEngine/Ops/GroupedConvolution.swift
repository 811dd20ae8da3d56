/// Grouped 2-D convolution with four-sided zero padding (PyTorch's `F.conv2d(..., groups=g)`
/// after an optional `F.pad`): the op behind depthwise convolutions (MobileNet, EfficientNet)
/// and TensorFlow's "same" padding.
///
/// Shapes: x [N, C, H, W], w [O, C/g, KH, KW], b [O], g groups dividing C and O; input channel
/// block k = 0..<g holds channels k·C/g..<(k+1)·C/g and feeds output block k. With stride s and
/// padding (top t, left l, bottom d, right r):
///   OH = (H + t + d − KH)/s + 1 (floor), OW = (W + l + r − KW)/s + 1,
///   y[n,o,i,j] = b[o] + Σ_{c′<C/g, u, v} x[n, k·C/g + c′, i·s − t + u, j·s − l + v] · w[o, c′, u, v],
///   with k = o / (O/g) and x = 0 outside the input.
/// Backward, with G = ∂L/∂y and the same index map (c = k·C/g + c′, h = i·s − t + u, w′ = j·s − l + v):
///   ∂x[n,c,h,w′] = Σ_{o in block k, i, j, u, v} G[n,o,i,j] · w[o,c′,u,v]
///   ∂w[o,c′,u,v] = Σ_{n,i,j} G[n,o,i,j] · x[n,c,h,w′]
///   ∂b[o] = Σ_{n,i,j} G[n,o,i,j]
/// Depthwise convolution is g = C = O (one KH×KW filter per channel). With g = 1 and equal
/// padding on all sides this is `conv2d`. The fast backend runs oneDNN with 5-D `goihw`
/// weights on channels-last activations.

/// Zero padding added on each side of the two spatial dimensions.
public struct ConvPadding: Hashable, Sendable, CustomStringConvertible {
    /// Rows of zeros added above (`top`) and below (`bottom`), columns added left and right; each ≥ 0
    /// for a convolution (not checked here).
    public var top, left, bottom, right: Int

    /// Padding with the given number of zero rows/columns on each side.
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        (self.top, self.left, self.bottom, self.right) = (top, left, bottom, right)
    }

    /// p on every side (PyTorch's `padding=p`).
    public static func symmetric(_ p: Int) -> ConvPadding { ConvPadding(top: p, left: p, bottom: p, right: p) }

    /// TensorFlow's "SAME" padding for an H×W input, a KH×KW kernel and stride s: the output is
    /// ⌈H/s⌉ × ⌈W/s⌉ and the padding P = max((⌈H/s⌉ − 1)·s + KH − H, 0) is split with ⌊P/2⌋
    /// before and the rest after (so an odd P pads one more at the bottom and right), as
    /// EfficientNet's `Conv2dStaticSamePadding`.
    public static func tensorFlowSame(height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
                                      stride: Int) -> ConvPadding {
        func split(_ size: Int, _ k: Int) -> (Int, Int) {
            let out = (size + stride - 1) / stride
            let total = Swift.max((out - 1) * stride + k - size, 0)
            return (total / 2, total - total / 2)
        }
        let (t, d) = split(height, kernelHeight), (l, r) = split(width, kernelWidth)
        return ConvPadding(top: t, left: l, bottom: d, right: r)
    }

    /// p when every side pads p, else nil.
    public var symmetricValue: Int? { top == left && left == bottom && bottom == right ? top : nil }

    /// `pad(t… l… b… r…)`, the four sides in that order.
    public var description: String { "pad(t\(top) l\(left) b\(bottom) r\(right))" }
}

/// The shape parameters of a grouped convolution (the key of its cached plans).
struct GroupedConvGeometry: Hashable, CustomStringConvertible {
    let n, c, h, w: Int
    let o, kh, kw: Int
    let groups, stride: Int
    let padding: ConvPadding

    var oh: Int { (h + padding.top + padding.bottom - kh) / stride + 1 }
    var ow: Int { (w + padding.left + padding.right - kw) / stride + 1 }
    /// Input and output channels per group.
    var cg: Int { c / groups }
    var og: Int { o / groups }
    var inputShape: [Int] { [n, c, h, w] }
    var weightShape: [Int] { [o, cg, kh, kw] }
    var outputShape: [Int] { [n, o, oh, ow] }
    /// Multiply–adds of one pass.
    var macs: Int { n * o * oh * ow * cg * kh * kw }
    var description: String { "grouped conv \(inputShape) * \(weightShape) groups \(groups) stride \(stride) \(padding)" }
}

/// y = grouped conv2d(x, w) + b (see the formulas above). `x` is [N, C, H, W] in any format,
/// `weight` [O, C/groups, KH, KW], `bias` [O]. Returns [N, O, OH, OW], channels-last on the
/// fast backend.
public func groupedConv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                          padding: ConvPadding = .symmetric(0), groups: Int) -> Tensor {
    let g = groupedConvGeometry(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
    // oneDNN when it is the path; the BLAS backend has no grouped kernel, so it runs the reference loops.
    let fast = ConvPath.current == .oneDNN
    let input = fast ? channelsLastInput(x) : x.contiguous()
    let w = weight.contiguous()
    let out = Tensor(uninitialized: g.outputShape, format: fast ? .channelsLast : .contiguous)
    let hasBias = bias != nil
    KernelStats.record("grouped_conv2d.forward")
    if fast {
        #if canImport(CScalpelDNNL)
        DNNLContext.shared.withLock { ctx in
            DNNLConvPlan.get(ctx, g, hasBias: hasBias)
                .forward(ctx, x: input.pointer, weight: w.pointer, bias: bias?.pointer, out: out.pointer)
        }
        #endif
    } else {
        ReferenceGroupedConv.forward(g, x: input.pointer, weight: w.pointer, bias: bias?.pointer, out: out.pointer)
    }

    let inputs = bias.map { [input, w, $0] } ?? [input, w]
    recordOp("grouped_conv2d", out, inputs) { grad, needs in
        let gy = grad.converted(to: fast ? .channelsLast : .contiguous)
        var grads: [Tensor?] = [nil, nil, nil]
        if needs[0] {
            KernelStats.record("grouped_conv2d.backward_data")
            let gx = Tensor(uninitialized: g.inputShape, format: input.format)
            if fast {
                #if canImport(CScalpelDNNL)
                DNNLContext.shared.withLock { ctx in
                    DNNLConvPlan.get(ctx, g, hasBias: hasBias)
                        .backwardData(ctx, gradOut: gy.pointer, weight: w.pointer, gradInput: gx.pointer)
                }
                #endif
            } else {
                ReferenceGroupedConv.backwardData(g, gradOut: gy.pointer, weight: w.pointer, gradInput: gx.pointer)
            }
            grads[0] = gx
        }
        let needsBias = needs.count > 2 && needs[2]
        if needs[1] {
            KernelStats.record("grouped_conv2d.backward_weights")
            let gw = Tensor(uninitialized: g.weightShape)
            let gb = needsBias ? Tensor(uninitialized: [g.o]) : nil
            if fast {
                #if canImport(CScalpelDNNL)
                DNNLContext.shared.withLock { ctx in
                    DNNLConvPlan.get(ctx, g, hasBias: hasBias)
                        .backwardWeights(ctx, gradOut: gy.pointer, x: input.pointer, gradWeight: gw.pointer,
                                         gradBias: gb?.pointer)
                }
                #endif
            } else {
                ReferenceGroupedConv.backwardWeights(g, gradOut: gy.pointer, x: input.pointer, gradWeight: gw.pointer)
                if let gb { ReferenceGroupedConv.backwardBias(g, gradOut: gy.pointer, gradBias: gb.pointer) }
            }
            grads[1] = gw
            grads[2] = gb
        } else if needsBias {
            grads[2] = gy.sumTo([1, g.o, 1, 1]).reshaped([g.o])
        }
        return Array(grads.prefix(inputs.count))
    }
    return out
}

/// The geometry of a grouped convolution, checked.
func groupedConvGeometry(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: ConvPadding,
                         groups: Int) -> GroupedConvGeometry {
    precondition(x.rank == 4 && weight.rank == 4, "groupedConv2d: input \(x.shape), weight \(weight.shape) (need rank 4)")
    precondition(groups >= 1 && x.shape[1] % groups == 0 && weight.shape[0] % groups == 0
                    && weight.shape[1] * groups == x.shape[1],
                 "groupedConv2d: input \(x.shape) with weight \(weight.shape) and \(groups) groups (need [N,C,H,W] and [O,C/groups,KH,KW], groups dividing C and O)")
    precondition(stride >= 1 && [padding.top, padding.left, padding.bottom, padding.right].allSatisfy { $0 >= 0 },
                 "groupedConv2d: stride \(stride), \(padding)")
    let g = GroupedConvGeometry(n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3], o: weight.shape[0],
                                kh: weight.shape[2], kw: weight.shape[3], groups: groups, stride: stride, padding: padding)
    precondition(g.oh >= 1 && g.ow >= 1, "groupedConv2d: kernel \(weight.shape[2...]) larger than padded input \(x.shape[2...])")
    if let bias { precondition(bias.shape == [g.o], "groupedConv2d: bias \(bias.shape) for \(g.o) output channels") }
    return g
}
