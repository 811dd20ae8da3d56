#if canImport(CScalpelDNNL)
internal import CScalpelDNNL

/// oneDNN grouped convolution on NHWC activations: weights as the 5-D `goihw` descriptor
/// [groups, O/groups, C/groups, KH, KW], which is PyTorch's [O, C/groups, KH, KW] buffer read
/// with the group split out (the same bytes). Padding may differ per side (oneDNN's
/// `padding_l` = (top, left), `padding_r` = (bottom, right)). Otherwise as `DNNLConvPlan`:
/// `format_tag_any` weights reordered per call, backward passes made on first use, cached per
/// geometry.
final class DNNLGroupedConvPlan {
    struct Key: Hashable {
        let geometry: GroupedConvGeometry
        let hasBias: Bool
    }

    let g: GroupedConvGeometry
    let hasBias: Bool
    private let srcMD, dstMD, weightsAnyMD, weightsUserMD, biasMD: dnnl_memory_desc_t
    private let src, dst, bias: DNNLMemory
    private let forwardPrimitive: DNNLPrimitive
    private let forwardWeights: DNNLLayoutPlan
    private var biasScratch: Tensor?

    init(_ key: Key) {
        g = key.geometry
        hasBias = key.hasBias
        let weightDims = [g.groups, g.og, g.cg, g.kh, g.kw]
        srcMD = dnnlMemoryDesc(g.inputShape, dnnl_nhwc)
        dstMD = dnnlMemoryDesc(g.outputShape, dnnl_nhwc)
        weightsAnyMD = dnnlMemoryDesc(weightDims, dnnl_format_tag_any)
        weightsUserMD = dnnlMemoryDesc(weightDims, dnnl_goihw)
        biasMD = dnnlMemoryDesc([g.o], dnnl_a)
        src = DNNLMemory(srcMD)
        dst = DNNLMemory(dstMD)
        bias = DNNLMemory(biasMD)

        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let (strides, left, right) = Self.stridesAndPads(g)
        let status = withOptionalPointer(hasBias ? biasMD : nil) { b in
            dnnl_convolution_forward_desc_init(&d, dnnl_forward_training, dnnl_convolution_direct,
                                               &s, &w, b, &y, strides, left, right)
        }
        dnnlCheck(status, "convolution_forward_desc_init \(g)")
        forwardPrimitive = DNNLPrimitive(DNNLPrimitiveDesc(&d, "grouped convolution forward"))
        forwardWeights = DNNLLayoutPlan(user: weightsUserMD, primitiveSide: forwardPrimitive.desc.md(dnnl_query_weights_md),
                                        toPrimitive: true)
    }

    /// Strides, padding before (top, left) and after (bottom, right).
    private static func stridesAndPads(_ g: GroupedConvGeometry) -> ([Int64], [Int64], [Int64]) {
        let p = g.padding
        return ([Int64(g.stride), Int64(g.stride)], [Int64(p.top), Int64(p.left)], [Int64(p.bottom), Int64(p.right)])
    }

    private lazy var backwardDataPass: (DNNLPrimitive, DNNLLayoutPlan) = {
        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let (strides, left, right) = Self.stridesAndPads(g)
        dnnlCheck(dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &s, &w, &y, strides, left, right),
                  "convolution_backward_data_desc_init \(g)")
        let p = DNNLPrimitive(DNNLPrimitiveDesc(&d, hint: forwardPrimitive.desc, "grouped convolution backward data"))
        return (p, DNNLLayoutPlan(user: weightsUserMD, primitiveSide: p.desc.md(dnnl_query_weights_md), toPrimitive: true))
    }()

    private lazy var backwardWeightsPass: (DNNLPrimitive, DNNLLayoutPlan) = {
        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, weightsAnyMD, dstMD)
        let (strides, left, right) = Self.stridesAndPads(g)
        let status = withOptionalPointer(hasBias ? biasMD : nil) { b in
            dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &s, &w, b, &y, strides, left, right)
        }
        dnnlCheck(status, "convolution_backward_weights_desc_init \(g)")
        let p = DNNLPrimitive(DNNLPrimitiveDesc(&d, hint: forwardPrimitive.desc, "grouped convolution backward weights"))
        return (p, DNNLLayoutPlan(user: weightsUserMD, primitiveSide: p.desc.md(dnnl_query_diff_weights_md), toPrimitive: false))
    }()

    /// y = conv(x, w) + b; x and y NHWC, w [O, C/g, KH, KW].
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
        ctx.execute(p, [(DNNL_ARG_DIFF_DST, dst.bind(gradOut)), (DNNL_ARG_WEIGHTS, wm), (DNNL_ARG_DIFF_SRC, src.bind(gradInput))])
    }

    /// ∂w and, when the plan has a bias, ∂b into `gradBias` (a scratch buffer when nil).
    func backwardWeights(_ ctx: DNNLContext, gradOut: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>,
                         gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?) {
        let (p, weights) = backwardWeightsPass
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
    static func get(_ ctx: DNNLContext, _ g: GroupedConvGeometry, hasBias: Bool) -> DNNLGroupedConvPlan {
        let key = Key(geometry: g, hasBias: hasBias)
        return ctx.plan(key) { DNNLGroupedConvPlan(key) }
    }
}
#endif
