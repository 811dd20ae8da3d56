#if canImport(CScalpelDNNL)
internal import CScalpelDNNL

/// oneDNN convolution on NHWC activations with OIHW user weights.
///
/// Each pass is a primitive created with `format_tag_any` weights, so oneDNN picks its blocked
/// layout; the OIHW parameter (or its gradient) is reordered to or from that layout per call.
/// A plan holds the three passes (backward ones made on first use) and is cached per geometry.
final class DNNLConvPlan {
    struct Key: Hashable {
        let geometry: ConvGeometry
        let hasBias: Bool
    }

    let g: ConvGeometry
    let hasBias: Bool
    private let srcMD, dstMD, weightsAnyMD, weightsUserMD, biasMD: dnnl_memory_desc_t

    private let src, dst, bias: DNNLMemory
    private let forward: DNNLPrimitive
    private let forwardWeights: DNNLLayoutPlan
    private var biasScratch: Tensor?

    init(_ key: Key) {
        g = key.geometry
        hasBias = key.hasBias
        srcMD = dnnlMemoryDesc(g.inputShape, dnnl_nhwc)
        dstMD = dnnlMemoryDesc(g.outputShape, dnnl_nhwc)
        weightsAnyMD = dnnlMemoryDesc(g.weightShape, dnnl_format_tag_any)
        weightsUserMD = dnnlMemoryDesc(g.weightShape, dnnl_oihw)
        biasMD = dnnlMemoryDesc([g.o], dnnl_a)
        src = DNNLMemory(srcMD)
        dst = DNNLMemory(dstMD)
        bias = DNNLMemory(biasMD)

        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let (strides, pads) = g.dnnlStridesAndPads
        let status = withOptionalPointer(hasBias ? biasMD : nil) { b in
            dnnl_convolution_forward_desc_init(&d, dnnl_forward_training, dnnl_convolution_direct,
                                               &s, &w, b, &y, strides, pads, pads)
        }
        dnnlCheck(status, "convolution_forward_desc_init \(g)")
        forward = DNNLPrimitive(DNNLPrimitiveDesc(&d, "convolution forward"))
        forwardWeights = DNNLLayoutPlan(user: weightsUserMD, primitiveSide: forward.desc.md(dnnl_query_weights_md),
                                        toPrimitive: true)
    }


    private lazy var backwardData: (DNNLPrimitive, DNNLLayoutPlan) = {
        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let (strides, pads) = g.dnnlStridesAndPads
        dnnlCheck(dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &s, &w, &y, strides, pads, pads),
                  "convolution_backward_data_desc_init \(g)")
        let p = DNNLPrimitive(DNNLPrimitiveDesc(&d, hint: forward.desc, "convolution backward data"))
        return (p, DNNLLayoutPlan(user: weightsUserMD, primitiveSide: p.desc.md(dnnl_query_weights_md), toPrimitive: true))
    }()

    private lazy var backwardWeights: (DNNLPrimitive, DNNLLayoutPlan) = {
        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let (strides, pads) = g.dnnlStridesAndPads
        let status = withOptionalPointer(hasBias ? biasMD : nil) { b in
            dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &s, &w, b, &y, strides, pads, pads)
        }
        dnnlCheck(status, "convolution_backward_weights_desc_init \(g)")
        let p = DNNLPrimitive(DNNLPrimitiveDesc(&d, hint: forward.desc, "convolution backward weights"))
        return (p, DNNLLayoutPlan(user: weightsUserMD, primitiveSide: p.desc.md(dnnl_query_diff_weights_md), toPrimitive: false))
    }()

    /// y = conv(x, w) + b; x and y NHWC, w OIHW.
    func forward(_ ctx: DNNLContext, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                 bias b: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let wm = forwardWeights.prepareInput(ctx, weight)
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src.bind(x)), (DNNL_ARG_WEIGHTS, wm), (DNNL_ARG_DST, dst.bind(out))]
        if hasBias, let b { args.append((DNNL_ARG_BIAS, bias.bind(b))) }
        ctx.execute(forward, args)
    }

    /// ∂x from ∂y (NHWC) and w (OIHW).
    func backwardData(_ ctx: DNNLContext, gradOut: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                      gradInput: UnsafeMutablePointer<Float>) {
        let (p, weights) = backwardData
        let wm = weights.prepareInput(ctx, weight)
        ctx.execute(p, [(DNNL_ARG_DIFF_DST, dst.bind(gradOut)), (DNNL_ARG_WEIGHTS, wm),
                        (DNNL_ARG_DIFF_SRC, src.bind(gradInput))])
    }

    /// ∂w (OIHW) and, when the plan has a bias, ∂b into `gradBias` (into a scratch buffer when nil).
    func backwardWeights(_ ctx: DNNLContext, gradOut: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>,
                         gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        let (p, weights) = backwardWeights
        let wm = weights.prepareOutput(gradWeight)
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src.bind(x)), (DNNL_ARG_DIFF_DST, dst.bind(gradOut)),
                                           (DNNL_ARG_DIFF_WEIGHTS, wm)]
        if hasBias {
            if gradBias == nil && biasScratch == nil { biasScratch = Tensor(uninitialized: [g.o]) }
            args.append((DNNL_ARG_DIFF_BIAS, bias.bind(gradBias ?? biasScratch!.pointer)))
        }
        ctx.execute(p, args)
        weights.finishOutput(ctx)
    }

    /// The cached plan for a geometry (call under the context's lock).
    static func get(_ ctx: DNNLContext, _ g: ConvGeometry, hasBias: Bool) -> DNNLConvPlan {
        let key = Key(geometry: g, hasBias: hasBias)
        return ctx.plan(key) { DNNLConvPlan(key) }
    }
}

extension ConvGeometry {
    /// oneDNN's strides and (symmetric) padding. oneDNN checks (H − KH + 2p)/s + 1 == OH with
    /// floor division, as PyTorch.
    var dnnlStridesAndPads: (strides: [Int64], pads: [Int64]) {
        ([Int64(stride), Int64(stride)], [Int64(padding), Int64(padding)])
    }
}
#endif
