#if canImport(CScalpelDNNL)
internal import CScalpelDNNL

/// oneDNN max / average (padding counted) pooling over NHWC or NCHW data, cached per geometry.
/// (Channels-last max pooling runs `MaxPoolNHWC` instead, measured faster.)
///
/// Max pooling for training records the argmax positions in a workspace that the backward
/// pass reads; the caller keeps that buffer (`workspaceFloats` Floats) alive in between.
final class DNNLPoolPlan {
    struct Key: Hashable {
        let geometry: PoolGeometry
        let format: MemoryFormat
        let isMax: Bool
        /// Forward for training: keeps the max-pooling workspace for a backward pass.
        let training: Bool
    }

    let key: Key
    private let src, dst, workspace: DNNLMemory
    private let forward: DNNLPrimitive
    private let srcMD, dstMD: dnnl_memory_desc_t
    /// The workspace size in Floats (0 when there is none).
    let workspaceFloats: Int

    private var algorithm: dnnl_alg_kind_t { key.isMax ? dnnl_pooling_max : dnnl_pooling_avg_include_padding }

    init(_ key: Key) {
        self.key = key
        let g = key.geometry
        srcMD = dnnlMemoryDesc(g.inputShape, dnnlActivationTag(key.format))
        dstMD = dnnlMemoryDesc(g.outputShape, dnnlActivationTag(key.format))
        (src, dst) = (DNNLMemory(srcMD), DNNLMemory(dstMD))
        forward = DNNLPrimitive(Self.forwardDesc(key, srcMD, dstMD))
        let ws = forward.desc.md(dnnl_query_workspace_md)
        workspaceFloats = dnnlFloatCount(ws)
        workspace = DNNLMemory(ws)
    }

    private static func params(_ g: PoolGeometry) -> (strides: [Int64], kernel: [Int64], pads: [Int64]) {
        ([Int64(g.stride), Int64(g.stride)], [Int64(g.kernel), Int64(g.kernel)], [Int64(g.padding), Int64(g.padding)])
    }

    private static func forwardDesc(_ key: Key, _ srcMD: dnnl_memory_desc_t, _ dstMD: dnnl_memory_desc_t) -> DNNLPrimitiveDesc {
        var d = dnnl_pooling_desc_t()
        var (s, y) = (srcMD, dstMD)
        let p = params(key.geometry)
        let alg = key.isMax ? dnnl_pooling_max : dnnl_pooling_avg_include_padding
        dnnlCheck(dnnl_pooling_forward_desc_init(&d, key.training ? dnnl_forward_training : dnnl_forward_inference, alg,
                                                 &s, &y, p.strides, p.kernel, p.pads, p.pads),
                  "pooling_forward_desc_init \(key)")
        return DNNLPrimitiveDesc(&d, "pooling forward")
    }

    private lazy var backward: DNNLPrimitive = {
        precondition(key.training, "pooling backward needs a training-mode forward plan")
        var d = dnnl_pooling_desc_t()
        var (s, y) = (srcMD, dstMD)
        let p = Self.params(key.geometry)
        dnnlCheck(dnnl_pooling_backward_desc_init(&d, algorithm, &s, &y, p.strides, p.kernel, p.pads, p.pads),
                  "pooling_backward_desc_init \(key)")
        return DNNLPrimitive(DNNLPrimitiveDesc(&d, hint: forward.desc, "pooling backward"))
    }()

    func forward(_ ctx: DNNLContext, x: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
                 workspace ws: UnsafeMutablePointer<Float>?) {
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_SRC, src.bind(x)), (DNNL_ARG_DST, dst.bind(out))]
        if workspaceFloats > 0, let ws { args.append((DNNL_ARG_WORKSPACE, workspace.bind(ws))) }
        ctx.execute(forward, args)
    }

    func backward(_ ctx: DNNLContext, gradOut: UnsafeMutablePointer<Float>, gradInput: UnsafeMutablePointer<Float>,
                  workspace ws: UnsafeMutablePointer<Float>?) {
        var args: [(Int32, DNNLMemory)] = [(DNNL_ARG_DIFF_DST, dst.bind(gradOut)), (DNNL_ARG_DIFF_SRC, src.bind(gradInput))]
        if workspaceFloats > 0, let ws { args.append((DNNL_ARG_WORKSPACE, workspace.bind(ws))) }
        ctx.execute(backward, args)
    }

    static func get(_ ctx: DNNLContext, _ key: Key) -> DNNLPoolPlan {
        ctx.plan(key) { DNNLPoolPlan(key) }
    }
}
#endif
