/// Batch normalization over the channels of [N, C, H, W] (PyTorch's `F.batch_norm`).
///
/// Forward, per channel c with M = N·H·W values, statistics μ, σ² and invstd = 1/√(σ² + ε):
///   x̂ = (x − μ)·invstd,  y = γ·x̂ + β
/// Training uses the batch mean and biased variance, and updates the running statistics in
/// place: r_μ ← (1−m)·r_μ + m·μ,  r_σ² ← (1−m)·r_σ² + m·σ²·M/(M−1) (unbiased). Evaluation
/// uses the running statistics.
/// Backward, with G = ∂L/∂y:
///   ∂γ = Σ G·x̂,  ∂β = Σ G
///   training:   ∂x = (γ·invstd/M)·(M·G − Σ G − x̂·Σ(G·x̂))
///   evaluation: ∂x = G·γ·invstd
/// Only the gradients that `needs` asks for are computed.
/// With `residual` r (x's shape), the output is y + r, written in the same pass (a residual
/// block's sum; ∂r = G). With `relu`, the output is max(y (+ r), 0), also in the same pass
/// (BatchNorm followed by ReLU, as in every residual block), and the backward masks G with
/// [out > 0] (on the fly inside its two passes unless ∂r needs the masked G as a tensor).
///
/// The fast backend runs the Swift kernels of `BatchNormNHWC` on channels-last data (an NCHW
/// input is converted and the output converted back): one read of x from memory for the
/// statistics (each 32-row block's second sweep hits cache), one for y (and r); backward, one
/// read of x and G (and y for the ReLU's mask) for Σ G and Σ G·(x − μ), one for ∂x. The reference
/// backend loops on NCHW in Double. oneDNN's `bnorm_tbb_jit:avx2`, measured beside these
/// kernels, is level backward and 1.1-1.25× faster forward at one thread
/// (docs/performance/kernels.md, "Batch norm"); not enough to bring back its plans and
/// workspaces for now.

/// Normalizes `x` [N, C, H, W] per channel; `weight` (γ), `bias` (β), `runningMean`, `runningVar`
/// are [C]. Without running statistics the batch statistics are used in both modes. The output
/// has `x`'s format.
public func batchNorm2d(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                        training: Bool, momentum: Float = 0.1, eps: Float = 1e-5, residual: Tensor? = nil,
                        relu: Bool = false) -> Tensor {
    precondition(x.rank == 4, "batchNorm2d: input \(x.shape) is not [N, C, H, W]")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    for t in [weight, bias, runningMean, runningVar] {
        if let t { precondition(t.shape == [c], "batchNorm2d: parameter \(t.shape) for \(c) channels") }
    }
    if let residual { precondition(residual.shape == x.shape, "batchNorm2d: residual \(residual.shape) for input \(x.shape)") }
    let m = n * h * w
    let batchStats = training || runningMean == nil || runningVar == nil
    precondition(!batchStats || m > 1, "batchNorm2d: batch statistics need more than one value per channel")

    let fast = KernelBackend.current != .reference
    let input = fast ? x.converted(to: .channelsLast) : x.contiguous()
    let res = residual.map { fast ? $0.converted(to: .channelsLast) : $0.contiguous() }
    let mean = batchStats ? Tensor(uninitialized: [c]) : runningMean!.clone()
    let variance = batchStats ? Tensor(uninitialized: [c]) : runningVar!.clone()
    let out = Tensor(uninitialized: x.shape, format: input.format)
    KernelStats.record("batchnorm.forward")
    if fast {
        if batchStats {
            let (mu, v) = BatchNormNHWC.statistics(x: input.pointer, rows: m, channels: c)
            mean.pointer.update(from: mu, count: c)
            variance.pointer.update(from: v, count: c)
        }
        let a = (0..<c).map { (weight?.pointer[$0] ?? 1) / (variance.pointer[$0] + eps).squareRoot() }
        let b = (0..<c).map { bias?.pointer[$0] ?? 0 }
        BatchNormNHWC.normalize(x: input.pointer, out: out.pointer, residual: res?.pointer, rows: m, channels: c,
                                mean: mean.toArray(), scale: a, shift: b, relu: relu)
    } else {
        if batchStats {
            let (mu, v) = ReferenceBatchNorm.statistics(n: n, c: c, hw: h * w, x: input.pointer)
            mean.pointer.update(from: mu, count: c)
            variance.pointer.update(from: v, count: c)
        }
        ReferenceBatchNorm.forward(n: n, c: c, hw: h * w, x: input.pointer, mean: mean.toArray(),
                                   variance: variance.toArray(), eps: eps, gamma: weight?.pointer,
                                   beta: bias?.pointer, out: out.pointer)
        if let res { for i in 0..<out.count { out.pointer[i] += res.pointer[i] } }
        if relu { for i in 0..<out.count { out.pointer[i] = Swift.max(out.pointer[i], 0) } }
    }
    if training, let runningMean, let runningVar {
        let (rm, rv, mu, v) = (runningMean.pointer, runningVar.pointer, mean.pointer, variance.pointer)
        let unbias = Float(m) / Float(m - 1)
        for i in 0..<c {
            rm[i] = (1 - momentum) * rm[i] + momentum * mu[i]
            rv[i] = (1 - momentum) * rv[i] + momentum * v[i] * unbias
        }
    }

    var inputs = [input]
    let weightIndex = weight.map { inputs.append($0); return inputs.count - 1 }
    let biasIndex = bias.map { inputs.append($0); return inputs.count - 1 }
    let residualIndex = residual.map { inputs.append($0); return inputs.count - 1 }
    let y = out.detached()
    recordOp(residual == nil ? (relu ? "batchnorm_relu" : "batchnorm") : (relu ? "batchnorm_add_relu" : "batchnorm_add"),
             out, inputs) { grad, needs in
        let needResidual = residualIndex.map { needs[$0] } ?? false
        // The ReLU's mask: applied here when ∂r needs the masked G, else inside the fast kernels.
        let maskNow = relu && (needResidual || !fast)
        let gy = maskNow ? broadcastMap(grad.converted(to: input.format), y, ReLUGrad()) : grad.converted(to: input.format)
        let mask: UnsafePointer<Float>? = relu && !maskNow ? UnsafePointer(y.pointer) : nil
        let needX = needs[0]
        let needGamma = weightIndex.map { needs[$0] } ?? false
        let needBeta = biasIndex.map { needs[$0] } ?? false
        var grads = [Tensor?](repeating: nil, count: inputs.count)
        if let i = residualIndex, needResidual { grads[i] = gy }
        guard needX || needGamma || needBeta else { return grads }
        KernelStats.record("batchnorm.backward")
        let gx = needX ? Tensor(uninitialized: x.shape, format: input.format) : nil
        let gGamma = needGamma ? Tensor(uninitialized: [c]) : nil
        let gBeta = needBeta ? Tensor(uninitialized: [c]) : nil
        if fast {
            let mu = mean.toArray()
            let invstd = (0..<c).map { 1 / (variance.pointer[$0] + eps).squareRoot() }
            let gamma = (0..<c).map { weight?.pointer[$0] ?? 1 }
            var sumG = [Double](repeating: 0, count: c), sumGX = sumG
            if needGamma || needBeta || (needX && batchStats) {
                (sumG, sumGX) = BatchNormNHWC.gradientSums(x: input.pointer, gradOut: gy.pointer, relu: mask, mean: mu,
                                                             rows: m, channels: c)
            }
            for j in 0..<c {
                gGamma?.pointer[j] = Float(sumGX[j]) * invstd[j]
                gBeta?.pointer[j] = Float(sumG[j])
            }
            if let gx {
                // training: ∂x = γ·invstd·(G − ΣG/M − (x − μ)·invstd²·Σ G(x − μ)/M); evaluation: γ·invstd·G.
                let p = (0..<c).map { gamma[$0] * invstd[$0] }
                let q = (0..<c).map { batchStats ? -p[$0] * invstd[$0] * invstd[$0] * Float(sumGX[$0] / Double(m)) : 0 }
                let s = (0..<c).map { batchStats ? -p[$0] * Float(sumG[$0] / Double(m)) : 0 }
                BatchNormNHWC.inputGradient(x: input.pointer, gradOut: gy.pointer, relu: mask, gradInput: gx.pointer, rows: m,
                                            channels: c, mean: mu, p: p, q: q, s: s)
            }
        } else {
            ReferenceBatchNorm.backward(n: n, c: c, hw: h * w, x: input.pointer, gradOut: gy.pointer,
                                        mean: mean.toArray(), variance: variance.toArray(), eps: eps,
                                        gamma: weight?.pointer, batchStats: batchStats, gradInput: gx?.pointer,
                                        gradGamma: gGamma?.pointer, gradBeta: gBeta?.pointer)
        }
        grads[0] = gx
        if let i = weightIndex, needGamma { grads[i] = gGamma }
        if let i = biasIndex, needBeta { grads[i] = gBeta }
        return grads
    }
    return out.converted(to: x.format)
}
