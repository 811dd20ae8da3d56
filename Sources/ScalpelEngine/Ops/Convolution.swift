/// 2-D convolution (cross-correlation, as PyTorch's `F.conv2d`).
///
/// Forward, with x [N, C, H, W], w [O, C, KH, KW], b [O], stride s, zero padding p:
///   y[n,o,i,j] = b[o] + Σ_{c,u,v} x[n,c, i·s−p+u, j·s−p+v] · w[o,c,u,v],
///   OH = (H + 2p − KH)/s + 1 (floor), likewise OW.
/// Backward, with G = ∂L/∂y:
///   ∂x[n,c,h,w] = Σ_{o,i,j,u,v : i·s−p+u = h, j·s−p+v = w} G[n,o,i,j] · w[o,c,u,v]   (transposed conv)
///   ∂w[o,c,u,v] = Σ_{n,i,j} G[n,o,i,j] · x[n,c, i·s−p+u, j·s−p+v]
///   ∂b[o] = Σ_{n,i,j} G[n,o,i,j]
/// Each runs only when its input wants a gradient, so no kernel runs below the first
/// trainable layer of a network.
///
/// The fast backends (oneDNN, or im2col with BLAS GEMM: `Kernels/BLAS/`) run on channels-last
/// activations: the output is `.channelsLast` and an input in another format is converted once
/// (the network's first layer).

/// y = conv2d(x, w) + b. `x` is [N, C, H, W] in any format, `weight` is [O, C, KH, KW] (OIHW),
/// `bias` is [O]. Returns [N, O, OH, OW], channels-last on the fast backend.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    let g = convGeometry(x, weight: weight, bias: bias, stride: stride, padding: padding)
    let path = ConvPath.current
    let fast = path.isChannelsLast
    let input = fast ? channelsLastInput(x) : x.contiguous()
    let w = weight.contiguous()
    let out = Tensor(uninitialized: g.outputShape, format: fast ? .channelsLast : .contiguous)
    let hasBias = bias != nil
    KernelStats.record("conv2d.forward")
    switch path {
    case .oneDNN:
        #if canImport(CScalpelDNNL)
        DNNLContext.shared.withLock { ctx in
            DNNLConvPlan.get(ctx, g, hasBias: hasBias)
                .forward(ctx, x: input.pointer, weight: w.pointer, bias: bias?.pointer, out: out.pointer)
        }
        #else
        preconditionFailure("the oneDNN path in a build without oneDNN")
        #endif
    case .blas:
        Im2colConv.forward(g, x: input.pointer, weight: w.pointer, bias: bias?.pointer, out: out.pointer)
    case .reference:
        ReferenceConv.forward(g, x: input.pointer, weight: w.pointer, bias: bias?.pointer, out: out.pointer)
    }

    let inputs = bias.map { [input, w, $0] } ?? [input, w]
    recordOp("conv2d", out, inputs) { grad, needs in
        let gy = grad.converted(to: fast ? .channelsLast : .contiguous)
        var grads: [Tensor?] = [nil, nil, nil]
        if needs[0] {
            KernelStats.record("conv2d.backward_data")
            let gx = Tensor(uninitialized: g.inputShape, format: input.format)
            switch path {
            case .oneDNN:
                #if canImport(CScalpelDNNL)
                DNNLContext.shared.withLock { ctx in
                    DNNLConvPlan.get(ctx, g, hasBias: hasBias)
                        .backwardData(ctx, gradOut: gy.pointer, weight: w.pointer, gradInput: gx.pointer)
                }
                #else
                preconditionFailure("the oneDNN path in a build without oneDNN")
                #endif
            case .blas:
                Im2colConv.backwardData(g, gradOut: gy.pointer, weight: w.pointer, gradInput: gx.pointer)
            case .reference:
                ReferenceConv.backwardData(g, gradOut: gy.pointer, weight: w.pointer, gradInput: gx.pointer)
            }
            grads[0] = gx
        }
        let needsBias = needs.count > 2 && needs[2]
        if needs[1] {
            let gb = needsBias ? Tensor(uninitialized: [g.o]) : nil
            KernelStats.record("conv2d.backward_weights")
            let gw = Tensor(uninitialized: g.weightShape)
            switch path {
            case .oneDNN:
                #if canImport(CScalpelDNNL)
                DNNLContext.shared.withLock { ctx in
                    DNNLConvPlan.get(ctx, g, hasBias: hasBias)
                        .backwardWeights(ctx, gradOut: gy.pointer, x: input.pointer, gradWeight: gw.pointer,
                                         gradBias: gb?.pointer)
                }
                #else
                preconditionFailure("the oneDNN path in a build without oneDNN")
                #endif
            case .blas:
                Im2colConv.backwardWeights(g, gradOut: gy.pointer, x: input.pointer, gradWeight: gw.pointer,
                                           gradBias: gb?.pointer)
            case .reference:
                ReferenceConv.backwardWeights(g, gradOut: gy.pointer, x: input.pointer, gradWeight: gw.pointer)
                if let gb { ReferenceConv.backwardBias(g, gradOut: gy.pointer, gradBias: gb.pointer) }
            }
            grads[1] = gw
            grads[2] = gb
        } else if needsBias {
            KernelStats.record("conv2d.backward_bias")
            grads[2] = gy.sumTo([1, g.o, 1, 1]).reshaped([g.o])
        }
        return Array(grads.prefix(inputs.count))
    }
    return out
}

/// The geometry of conv2d(x, weight) + bias, checked.
func convGeometry(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> ConvGeometry {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1],
                 "conv2d: input \(x.shape) with weight \(weight.shape) (need [N,C,H,W] and [O,C,KH,KW])")
    precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride), padding \(padding)")
    let g = ConvGeometry(n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3],
                         o: weight.shape[0], kh: weight.shape[2], kw: weight.shape[3], stride: stride, padding: padding)
    precondition(g.oh >= 1 && g.ow >= 1, "conv2d: kernel \(weight.shape[2...]) larger than padded input \(x.shape[2...])")
    if let bias { precondition(bias.shape == [g.o], "conv2d: bias \(bias.shape) for \(g.o) output channels") }
    return g
}

/// `x` stored channels-last. With one channel both layouts are the same bytes, so a tensor
/// that needs no gradient is reused as is (the common image input of a network's stem).
func channelsLastInput(_ x: Tensor) -> Tensor {
    if x.format == .channelsLast { return x }
    if x.shape[1] == 1 && !x.requiresGrad {
        return Tensor(shape: x.shape, format: .channelsLast, storage: x.storage)
    }
    return x.converted(to: .channelsLast)
}
