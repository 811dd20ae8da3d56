#if canImport(CScalpelDNNL)
internal import CScalpelDNNL

/// What oneDNN is told about a convolution, plain or grouped: NCHW shapes (the activations are
/// NHWC in memory), the user weights' dimensions and tag, strides and padding per side.
///
/// A plain convolution's weights are OIHW [O, C, KH, KW]; a grouped one's are the 5-D `goihw`
/// [groups, O/groups, C/groups, KH, KW], which is PyTorch's [O, C/groups, KH, KW] buffer read
/// with the group split out (the same bytes). oneDNN's `padding_l` is (top, left) and
/// `padding_r` (bottom, right); it checks (H − KH + p_l + p_r)/s + 1 == OH with floor division,
/// as PyTorch.
struct DNNLConvShape: Hashable, CustomStringConvertible {
    let inputShape: [Int]
    let outputShape: [Int]
    let weightDims: [Int]
    let grouped: Bool
    let strides: [Int64]
    let padsBefore: [Int64]
    let padsAfter: [Int64]
    let description: String

    var outChannels: Int { outputShape[1] }
}

extension ConvGeometry {
    var dnnlShape: DNNLConvShape {
        DNNLConvShape(inputShape: inputShape, outputShape: outputShape, weightDims: weightShape, grouped: false,
                      strides: [Int64(stride), Int64(stride)], padsBefore: [Int64(padding), Int64(padding)],
                      padsAfter: [Int64(padding), Int64(padding)], description: "conv \(self)")
    }
}

extension GroupedConvGeometry {
    var dnnlShape: DNNLConvShape {
        DNNLConvShape(inputShape: inputShape, outputShape: outputShape, weightDims: [groups, og, cg, kh, kw], grouped: true,
                      strides: [Int64(stride), Int64(stride)], padsBefore: [Int64(padding.top), Int64(padding.left)],
                      padsAfter: [Int64(padding.bottom), Int64(padding.right)], description: description)
    }
}

/// oneDNN convolution (plain or grouped) on NHWC activations with PyTorch-layout user weights.
///
/// Each pass is a primitive created with `format_tag_any` weights, so oneDNN picks its blocked
/// layout; the user's weight (or its gradient) is reordered to or from that layout per call.
/// A plan holds the three passes (backward ones made on first use) and is cached per shape.
final class DNNLConvPlan {
    struct Key: Hashable {
        let shape: DNNLConvShape
        let hasBias: Bool
    }

    let shape: DNNLConvShape
    let hasBias: Bool
    private let srcMD, dstMD, weightsAnyMD, weightsUserMD, biasMD: dnnl_memory_desc_t

    private let src, dst, bias: DNNLMemory
    private let forwardPrimitive: DNNLPrimitive
    private let forwardWeights: DNNLLayoutPlan
    private var biasScratch: Tensor?

    init(_ key: Key) {
        let shape = key.shape
        self.shape = shape
        hasBias = key.hasBias
        srcMD = dnnlMemoryDesc(shape.inputShape, dnnl_nhwc)
        dstMD = dnnlMemoryDesc(shape.outputShape, dnnl_nhwc)
        weightsAnyMD = dnnlMemoryDesc(shape.weightDims, dnnl_format_tag_any)
        weightsUserMD = dnnlMemoryDesc(shape.weightDims, shape.grouped ? dnnl_goihw : dnnl_oihw)
        biasMD = dnnlMemoryDesc([shape.outChannels], dnnl_a)
        src = DNNLMemory(srcMD)
        dst = DNNLMemory(dstMD)
        bias = DNNLMemory(biasMD)

        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let status = withOptionalPointer(key.hasBias ? biasMD : nil) { b in
            dnnl_convolution_forward_desc_init(&d, dnnl_forward_training, dnnl_convolution_direct,
                                               &s, &w, b, &y, shape.strides, shape.padsBefore, shape.padsAfter)
        }
        dnnlCheck(status, "convolution_forward_desc_init \(shape)")
        forwardPrimitive = DNNLPrimitive(DNNLPrimitiveDesc(&d, "convolution forward"))
        forwardWeights = DNNLLayoutPlan(user: weightsUserMD, primitiveSide: forwardPrimitive.desc.md(dnnl_query_weights_md),
                                        toPrimitive: true)
    }

    private lazy var backwardDataPass: (DNNLPrimitive, DNNLLayoutPlan) = {
        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        dnnlCheck(dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &s, &w, &y, shape.strides,
                                                           shape.padsBefore, shape.padsAfter),
                  "convolution_backward_data_desc_init \(shape)")
        let p = DNNLPrimitive(DNNLPrimitiveDesc(&d, hint: forwardPrimitive.desc, "convolution backward data"))
        return (p, DNNLLayoutPlan(user: weightsUserMD, primitiveSide: p.desc.md(dnnl_query_weights_md), toPrimitive: true))
    }()

    private lazy var backwardWeightsPass: (DNNLPrimitive, DNNLLayoutPlan) = {
        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let status = withOptionalPointer(hasBias ? biasMD : nil) { b in
            dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &s, &w, b, &y, shape.strides,
                                                        shape.padsBefore, shape.padsAfter)
        }
        dnnlCheck(status, "convolution_backward_weights_desc_init \(shape)")
        let p = DNNLPrimitive(DNNLPrimitiveDesc(&d, hint: forwardPrimitive.desc, "convolution backward weights"))
        return (p, DNNLLayoutPlan(user: weightsUserMD, primitiveSide: p.desc.md(dnnl_query_diff_weights_md), toPrimitive: false))
    }()

    /// y = conv(x, w) + b; x and y NHWC, w in the user layout.
    func forward(_ ctx: DNNLContext, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                 bias b: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let wm = forwardWeights.prepareInput(ctx, weight)
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src.bind(x)), (DNNL_ARG_WEIGHTS, wm), (DNNL_ARG_DST, dst.bind(out))]
        if hasBias, let b { args.append((DNNL_ARG_BIAS, bias.bind(b))) }
        ctx.execute(forwardPrimitive, args)
    }

    /// ∂x (NHWC) from ∂y (NHWC) and w.
    func backwardData(_ ctx: DNNLContext, gradOut: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                      gradInput: UnsafeMutablePointer<Float>) {
        let (p, weights) = backwardDataPass
        let wm = weights.prepareInput(ctx, weight)
        ctx.execute(p, [(DNNL_ARG_DIFF_DST, dst.bind(gradOut)), (DNNL_ARG_WEIGHTS, wm),
                        (DNNL_ARG_DIFF_SRC, src.bind(gradInput))])
    }

    /// ∂w (user layout) and, when the plan has a bias, ∂b into `gradBias` (into a scratch
    /// buffer when nil).
    func backwardWeights(_ ctx: DNNLContext, gradOut: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>,
                         gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        let (p, weights) = backwardWeightsPass
        let wm = weights.prepareOutput(gradWeight)
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src.bind(x)), (DNNL_ARG_DIFF_DST, dst.bind(gradOut)),
                                           (DNNL_ARG_DIFF_WEIGHTS, wm)]
        if hasBias {
            if gradBias == nil && biasScratch == nil { biasScratch = Tensor(uninitialized: [shape.outChannels]) }
            args.append((DNNL_ARG_DIFF_BIAS, bias.bind(gradBias ?? biasScratch!.pointer)))
        }
        ctx.execute(p, args)
        weights.finishOutput(ctx)
    }

    /// The cached plan for a convolution (call under the context's lock).
    static func get(_ ctx: DNNLContext, _ g: ConvGeometry, hasBias: Bool) -> DNNLConvPlan {
        get(ctx, g.dnnlShape, hasBias: hasBias)
    }

    /// The cached plan for a grouped (or depthwise) convolution (call under the context's lock).
    static func get(_ ctx: DNNLContext, _ g: GroupedConvGeometry, hasBias: Bool) -> DNNLConvPlan {
        get(ctx, g.dnnlShape, hasBias: hasBias)
    }

    private static func get(_ ctx: DNNLContext, _ shape: DNNLConvShape, hasBias: Bool) -> DNNLConvPlan {
        let key = Key(shape: shape, hasBias: hasBias)
        return ctx.plan(key) { DNNLConvPlan(key) }
    }
}
#endif
