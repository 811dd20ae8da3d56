#if canImport(CScalpelDNNL)
internal import CScalpelDNNL

/// oneDNN inference convolution with its epilogue fused as post-ops:
/// y = relu?(conv(x, w) + b + r?), NHWC activations, OIHW user weights.
///
/// The residual r is a binary-add post-op reading r where it lies (no copy). Where oneDNN has
/// no kernel for that, it falls back to a sum post-op, which accumulates into the output
/// buffer, so r is copied there first. The ReLU is an eltwise post-op. The primitive is made
/// with `forward_inference`, so it keeps nothing for a backward pass.
final class DNNLConvInferencePlan {
    struct Key: Hashable {
        let geometry: ConvGeometry
        let hasBias: Bool
        let epilogue: ConvEpilogue
    }

    /// How the residual enters the output.
    private enum ResidualPostOp { case none, binaryAdd, sumIntoOutput }

    let g: ConvGeometry
    private let src, dst, bias, residual: DNNLMemory
    private let primitive: DNNLPrimitive
    private let weights: DNNLLayoutPlan
    private let residualPostOp: ResidualPostOp

    init(_ key: Key) {
        g = key.geometry
        let srcMD = dnnlMemoryDesc(g.inputShape, dnnl_nhwc)
        let dstMD = dnnlMemoryDesc(g.outputShape, dnnl_nhwc)
        let biasMD = dnnlMemoryDesc([g.o], dnnl_a)
        src = DNNLMemory(srcMD)
        dst = DNNLMemory(dstMD)
        bias = DNNLMemory(biasMD)
        residual = DNNLMemory(dstMD)

        var d = dnnl_convolution_desc_t()
        var (s, w, y) = (srcMD, dnnlMemoryDesc(g.weightShape, dnnl_format_tag_any), dstMD)
        let shape = g.dnnlShape
        let status = withOptionalPointer(key.hasBias ? biasMD : nil) { b in
            dnnl_convolution_forward_desc_init(&d, dnnl_forward_inference, dnnl_convolution_direct,
                                               &s, &w, b, &y, shape.strides, shape.padsBefore, shape.padsAfter)
        }
        dnnlCheck(status, "convolution_forward_desc_init (inference) \(g)")

        let choices: [ResidualPostOp] = key.epilogue.residual ? [.binaryAdd, .sumIntoOutput] : [.none]
        var made: (DNNLPrimitiveDesc, ResidualPostOp)?
        for choice in choices where made == nil {
            let desc = DNNLPrimitiveDesc(&d) { attr in
                Self.setPostOps(attr, residual: choice, residualMD: dstMD, relu: key.epilogue.relu)
            }
            if let desc { made = (desc, choice) }
        }
        guard let (desc, choice) = made else {
            fatalError("oneDNN has no inference convolution for \(g) with \(key.epilogue)")
        }
        primitive = DNNLPrimitive(desc)
        residualPostOp = choice
        weights = DNNLLayoutPlan(user: dnnlMemoryDesc(g.weightShape, dnnl_oihw),
                                 primitiveSide: desc.md(dnnl_query_weights_md), toPrimitive: true)
    }

    private static func setPostOps(_ attr: dnnl_primitive_attr_t, residual: ResidualPostOp,
                                   residualMD: dnnl_memory_desc_t, relu: Bool) {
        var ops: dnnl_post_ops_t?
        dnnlCheck(dnnl_post_ops_create(&ops), "post_ops_create")
        defer { dnnl_post_ops_destroy(ops) }
        var md = residualMD
        switch residual {
        case .none: break
        case .binaryAdd: dnnlCheck(dnnl_post_ops_append_binary(ops, dnnl_binary_add, &md), "post_ops_append_binary")
        case .sumIntoOutput: dnnlCheck(dnnl_post_ops_append_sum(ops, 1), "post_ops_append_sum")
        }
        if relu { dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "post_ops_append_eltwise") }
        dnnlCheck(dnnl_primitive_attr_set_post_ops(attr, ops), "primitive_attr_set_post_ops")
    }

    /// y = relu?(conv(x, w) + b + r?); x, r and y NHWC, w OIHW. `residual` is required exactly
    /// when the plan's epilogue has one.
    func run(_ ctx: DNNLContext, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
             bias b: UnsafeMutablePointer<Float>?, residual r: UnsafeMutablePointer<Float>?,
             out: UnsafeMutablePointer<Float>) {
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src.bind(x)), (DNNL_ARG_WEIGHTS, weights.prepareInput(ctx, weight)),
                                           (DNNL_ARG_DST, dst.bind(out))]
        if let b { args.append((DNNL_ARG_BIAS, bias.bind(b))) }
        switch residualPostOp {
        case .none: break
        case .binaryAdd: args.append((DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE | DNNL_ARG_SRC_1, residual.bind(r!)))
        case .sumIntoOutput: out.update(from: r!, count: g.n * g.o * g.oh * g.ow)
        }
        ctx.execute(primitive, args)
    }

    /// The cached plan (call under the context's lock).
    static func get(_ ctx: DNNLContext, _ g: ConvGeometry, hasBias: Bool, epilogue: ConvEpilogue) -> DNNLConvInferencePlan {
        let key = Key(geometry: g, hasBias: hasBias, epilogue: epilogue)
        return ctx.plan(key) { DNNLConvInferencePlan(key) }
    }
}
#endif
