/// Spatial pooling over [N, C, H, W] (PyTorch's `F.max_pool2d`, `F.avg_pool2d`, and
/// `adaptive_avg_pool2d(x, 1).flatten(1)`). The window (i, j) covers input rows
/// i·s−p ..< i·s−p+k and columns j·s−p ..< j·s−p+k; OH = (H + 2p − k)/s + 1 (floor).
///
/// max:    y = max over the window (padding is −∞);  ∂x gets G at the window's argmax.
/// avg:    y = Σ window / k² (padding counts as zeros, `count_include_pad=True`);
///         ∂x[h,w] = Σ over the windows containing (h, w) of G/k².
/// global: y[n,c] = Σ_{h,w} x[n,c,h,w] / (H·W);  ∂x[n,c,h,w] = G[n,c] / (H·W).
///
/// Max and average pooling keep the input's format. The fast backend runs oneDNN, except for
/// channels-last max pooling (a vectorized Swift kernel, measured 3–4× faster).

/// Max pooling with a square `kernelSize` window; `stride` defaults to `kernelSize`.
public func maxPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    pool2d(x, isMax: true, kernelSize: kernelSize, stride: stride, padding: padding)
}

/// Average pooling with a square `kernelSize` window, padding counted in the divisor.
public func avgPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    pool2d(x, isMax: false, kernelSize: kernelSize, stride: stride, padding: padding)
}

private func pool2d(_ x: Tensor, isMax: Bool, kernelSize k: Int, stride: Int?, padding p: Int) -> Tensor {
    let name = isMax ? "maxpool" : "avgpool"
    precondition(x.rank == 4, "\(name): input \(x.shape) is not [N, C, H, W]")
    let s = stride ?? k
    precondition(k >= 1 && s >= 1 && p >= 0 && p <= k / 2, "\(name): kernel \(k), stride \(s), padding \(p) (need p ≤ k/2)")
    let g = PoolGeometry(n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3], kernel: k, stride: s, padding: p)
    precondition(g.oh >= 1 && g.ow >= 1, "\(name): kernel \(k) larger than padded input \(x.shape[2...])")

    let path = PoolPath(x, isMax: isMax)
    let input = path == .reference ? x.contiguous() : x
    let out = Tensor(uninitialized: g.outputShape, format: input.format)
    KernelStats.record("\(name).forward")
    let training = GradMode.isEnabled && x.requiresGrad
    // Max pooling for training keeps where each maximum came from (Int32 offsets for the Swift
    // kernel, oneDNN's workspace otherwise) in a pooled buffer.
    var saved: Tensor? = nil
    switch path {
    case .swiftMax:
        if training { saved = Tensor(uninitialized: g.outputShape) }
        withInt32(saved) { MaxPoolNHWC.forward(g, x: input.pointer, out: out.pointer, argmax: $0) }
    case .swiftAvg:
        AvgPoolNHWC.forward(g, x: input.pointer, out: out.pointer)
    case .dnnl:
        #if canImport(CScalpelDNNL)
        let key = DNNLPoolPlan.Key(geometry: g, format: input.format, isMax: isMax, training: training)
        DNNLContext.shared.withLock { ctx in
            let plan = DNNLPoolPlan.get(ctx, key)
            if plan.workspaceFloats > 0 { saved = Tensor(uninitialized: [plan.workspaceFloats]) }
            plan.forward(ctx, x: input.pointer, out: out.pointer, workspace: saved?.pointer)
        }
        #else
        preconditionFailure("the oneDNN path in a build without oneDNN")
        #endif
    case .reference:
        if isMax {
            ReferencePool.maxForward(g, x: input.pointer, out: out.pointer)
        } else {
            ReferencePool.avgForward(g, x: input.pointer, out: out.pointer)
        }
    }

    let workspace = saved
    recordOp(name, out, [input]) { grad, _ in
        KernelStats.record("\(name).backward")
        let gy = grad.converted(to: input.format)
        let gx = Tensor(uninitialized: g.inputShape, format: input.format)
        switch path {
        case .swiftMax:
            withInt32(workspace) { MaxPoolNHWC.backward(g, gradOut: gy.pointer, argmax: $0!, gradInput: gx.pointer) }
        case .swiftAvg:
            AvgPoolNHWC.backward(g, gradOut: gy.pointer, gradInput: gx.pointer)
        case .dnnl:
            #if canImport(CScalpelDNNL)
            let key = DNNLPoolPlan.Key(geometry: g, format: input.format, isMax: isMax, training: true)
            DNNLContext.shared.withLock { ctx in
                DNNLPoolPlan.get(ctx, key).backward(ctx, gradOut: gy.pointer, gradInput: gx.pointer,
                                                    workspace: workspace?.pointer)
            }
            #else
            preconditionFailure("the oneDNN path in a build without oneDNN")
            #endif
        case .reference:
            if isMax {
                ReferencePool.maxBackward(g, x: input.pointer, gradOut: gy.pointer, gradInput: gx.pointer)
            } else {
                ReferencePool.avgBackward(g, gradOut: gy.pointer, gradInput: gx.pointer)
            }
        }
        return [gx]
    }
    return path == .reference ? out.converted(to: x.format) : out
}

/// Which kernels pool a tensor: by measurement, vectorized Swift for channels-last max pooling
/// and oneDNN otherwise (its NHWC average pooling is fast, its NHWC max pooling is not); without
/// oneDNN (the `blas` backend), Swift for channels-last average pooling and the reference loops
/// for contiguous inputs; or the reference loops.
private enum PoolPath {
    case swiftMax, swiftAvg, dnnl, reference

    init(_ x: Tensor, isMax: Bool) {
        let path = ConvPath.current
        if path == .reference {
            self = .reference
        } else if isMax && x.format == .channelsLast {
            self = .swiftMax
        } else if path == .oneDNN {
            self = .dnnl
        } else {
            self = x.format == .channelsLast ? .swiftAvg : .reference
        }
    }
}

/// Calls `body` with a tensor's buffer seen as Int32 (argmax offsets), or with nil.
private func withInt32(_ t: Tensor?, _ body: (UnsafeMutablePointer<Int32>?) -> Void) {
    guard let t else { return body(nil) }
    t.pointer.withMemoryRebound(to: Int32.self, capacity: t.count) { body($0) }
}

/// The mean over H and W: [N, C, H, W] (any format) → [N, C] (contiguous).
public func globalAvgPool2d(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "globalAvgPool2d: input \(x.shape) is not [N, C, H, W]")
    let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    let out = Tensor(uninitialized: [n, c])
    KernelStats.record("global_avgpool.forward")
    let fast = KernelBackend.current != .reference
    let input = fast ? x : x.contiguous()
    let (px, po) = (input.pointer, out.pointer)
    let scale = 1 / Float(hw)
    if !fast {
        ReferencePool.globalAvgForward(planes: n * c, hw: hw, x: px, out: po)
    } else if input.format == .channelsLast {
        parallelFor(n, grain: max(1, 32_768 / max(1, c * hw))) { range in
            for b in range {
                let xs = px + b * hw * c, ys = po + b * c
                ys.update(repeating: 0, count: c)
                for p in 0..<hw { for ch in 0..<c { ys[ch] += xs[p * c + ch] } }
                for ch in 0..<c { ys[ch] *= scale }
            }
        }
    } else {
        parallelFor(n * c, grain: max(1, 32_768 / max(1, hw))) { range in
            for plane in range {
                var acc: Float = 0
                for k in 0..<hw { acc += px[plane * hw + k] }
                po[plane] = acc * scale
            }
        }
    }
    recordOp("global_avgpool", out, [input]) { grad, _ in
        KernelStats.record("global_avgpool.backward")
        let gy = grad.contiguous()
        let gx = Tensor(uninitialized: input.shape, format: input.format)
        let (pg, pd) = (gy.pointer, gx.pointer)
        if !fast {
            ReferencePool.globalAvgBackward(planes: n * c, hw: hw, gradOut: pg, gradInput: pd)
        } else if input.format == .channelsLast {
            parallelFor(n, grain: max(1, 32_768 / max(1, c * hw))) { range in
                for b in range {
                    let gs = pg + b * c, ds = pd + b * hw * c
                    for p in 0..<hw { for ch in 0..<c { ds[p * c + ch] = gs[ch] * scale } }
                }
            }
        } else {
            parallelFor(n * c, grain: max(1, 32_768 / max(1, hw))) { range in
                for plane in range {
                    let v = pg[plane] * scale
                    for k in 0..<hw { pd[plane * hw + k] = v }
                }
            }
        }
        return [gx]
    }
    return out
}
