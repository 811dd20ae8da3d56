#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Losses and classification metrics.
///
/// All log-probabilities are formed as log p_k = (x_k − m) − log Σ_j e^{x_j − m} with
/// m = max_j x_j, so logits of any magnitude give finite, accurate results.

/// Cross-entropy of logits [N, K] against class indices, averaged over the N rows
/// (PyTorch's `F.cross_entropy` with `label_smoothing`).
///
/// loss_i = (1−ε)·(−log p_{i,y_i}) + ε/K·Σ_k (−log p_{i,k})
///        = (1−ε)·(m − x_{i,y_i}) + ε/K·Σ_k (m − x_{i,k}) + log Σ_k e^{x_{i,k} − m},
/// p_i = softmax(x_i); loss = Σ_i loss_i / N.
/// ∂x_{i,k} = g/N·(p_{i,k} − (1−ε)·[k = y_i] − ε/K).
public func crossEntropy(_ logits: Tensor, targets: [Int], labelSmoothing: Float = 0) -> Tensor {
    precondition(logits.rank == 2, "crossEntropy: logits must be [N, K], got \(logits.shape)")
    let x = logits.contiguous()
    let n = x.shape[0], k = x.shape[1]
    precondition(targets.count == n, "crossEntropy: \(targets.count) targets for \(n) rows")
    // Checked even in -Ounchecked builds: a bad label would otherwise read out of bounds.
    for (i, t) in targets.enumerated() where t < 0 || t >= k {
        fatalError("crossEntropy: target \(t) of row \(i) is not a class in 0..<\(k)")
    }
    precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: labelSmoothing \(labelSmoothing) not in [0, 1]")
    let eps = labelSmoothing, spread = labelSmoothing / Float(k)

    let stats = Tensor(uninitialized: [n, 2])  // per row: m, log Σ e^{x − m}
    let rowLoss = Tensor(uninitialized: [n])
    let px = x.pointer, ps = stats.pointer, pr = rowLoss.pointer
    targets.withUnsafeBufferPointer { tb in
        parallelRows(n, width: k) { range in
            for i in range {
                let row = px + i * k
                let (m, logSum) = rowMaxAndLogSum(row, k)
                // loss_i = (1−ε)·(m − x_y) + ε/K·Σ_k (m − x_k) + logSum
                var spreadTerm: Float = 0
                if spread != 0 { for j in 0..<k { spreadTerm += m - row[j] } }
                ps[2 * i] = m
                ps[2 * i + 1] = logSum
                pr[i] = (1 - eps) * (m - row[tb[i]]) + spread * spreadTerm + logSum
            }
        }
    }
    var total: Double = 0
    for i in 0..<n { total += Double(pr[i]) }
    let out = Tensor(Float(total / Double(n)))

    recordOp("cross_entropy", out, [x]) { g, _ in
        let scale = g.item / Float(n)
        let gx = Tensor(uninitialized: x.shape)
        let px = x.pointer, ps = stats.pointer, po = gx.pointer
        targets.withUnsafeBufferPointer { tb in
            parallelRows(n, width: k) { range in
                for i in range {
                    let row = px + i * k, or = po + i * k, m = ps[2 * i], logSum = ps[2 * i + 1]
                    for j in 0..<k { or[j] = scale * (expf((row[j] - m) - logSum) - spread) }
                    or[tb[i]] -= scale * (1 - eps)
                }
            }
        }
        return [gx]
    }
    return out
}

/// The mean Shannon entropy of the softmax distributions of the rows of `logits` [..., K]
/// (the objective of test-time entropy minimization, e.g. TENT).
///
/// H_i = −Σ_k p_k log p_k with p = softmax(x_i); result = Σ_i H_i / N over the N rows.
/// ∂x_{i,j} = −g/N · p_j·(log p_j + H_i).
public func entropy(logits: Tensor) -> Tensor {
    precondition(logits.rank >= 1, "entropy: logits must have a class dimension")
    let x = logits.contiguous()
    let k = x.shape[x.rank - 1], n = rowCount(x)
    let stats = Tensor(uninitialized: [n, 3])  // per row: m, log Σ e^{x − m}, H
    let px = x.pointer, ps = stats.pointer
    parallelRows(n, width: k) { range in
        for i in range {
            let row = px + i * k
            let (m, logSum) = rowMaxAndLogSum(row, k)
            var h: Float = 0
            for j in 0..<k {
                let logp = (row[j] - m) - logSum, p = expf(logp)
                if p > 0 { h -= p * logp }
            }
            ps[3 * i] = m
            ps[3 * i + 1] = logSum
            ps[3 * i + 2] = h
        }
    }
    var total: Double = 0
    for i in 0..<n { total += Double(ps[3 * i + 2]) }
    let out = Tensor(Float(total / Double(n)))

    recordOp("entropy", out, [x]) { g, _ in
        let scale = -g.item / Float(n)
        let gx = Tensor(uninitialized: x.shape)
        let px = x.pointer, ps = stats.pointer, po = gx.pointer
        parallelRows(n, width: k) { range in
            for i in range {
                let row = px + i * k, or = po + i * k, m = ps[3 * i], logSum = ps[3 * i + 1], h = ps[3 * i + 2]
                for j in 0..<k {
                    let logp = (row[j] - m) - logSum, p = expf(logp)
                    or[j] = p > 0 ? scale * p * (logp + h) : 0
                }
            }
        }
        return [gx]
    }
    return out
}

/// Mean squared error: loss = Σ_i (a_i − b_i)² / n over the n elements of two same-shaped tensors.
/// ∂a = 2g/n·(a − b), ∂b = −∂a.
public func mseLoss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    precondition(prediction.shape == target.shape, "mseLoss: prediction \(prediction.shape) vs target \(target.shape)")
    let a = prediction.contiguous(), b = target.contiguous()
    let n = a.count
    let pa = a.pointer, pb = b.pointer
    var total: Double = 0
    for i in 0..<n { let d = pa[i] - pb[i]; total += Double(d * d) }
    let out = Tensor(Float(total / Double(n)))
    recordOp("mse_loss", out, [a, b]) { g, needs in
        let c = 2 * g.item / Float(n)
        let ga = broadcastMap(a, b) { x, y in c * (x - y) }
        return [needs[0] ? ga : nil, needs[1] ? unaryMap(ga, Negate()) : nil]
    }
    return out
}

extension Tensor {
    /// The index of the largest entry along `axis` of a rank-2 tensor (the first on ties); no gradient.
    public func argmax(axis: Int = -1) -> [Int] {
        precondition(rank == 2, "argmax: rank-2 tensors only, got \(shape)")
        let a = normalizeAxis(axis, 2)
        let x = withNoGrad { contiguous() }
        let (rows, cols) = (shape[0], shape[1])
        let p = x.pointer
        let (n, len, step, stride) = a == 1 ? (rows, cols, 1, cols) : (cols, rows, cols, 1)
        return (0..<n).map { i in
            let base = p + i * stride
            var best = 0
            var bestValue = len > 0 ? base[0] : 0
            for j in 1..<Swift.max(len, 1) where base[j * step] > bestValue {
                best = j
                bestValue = base[j * step]
            }
            return best
        }
    }
}

/// The fraction of rows of `logits` [N, K] whose argmax equals the target (0 when N = 0).
public func accuracy(logits: Tensor, targets: [Int]) -> Float {
    precondition(logits.rank == 2 && logits.shape[0] == targets.count,
                 "accuracy: logits \(logits.shape) for \(targets.count) targets")
    guard !targets.isEmpty else { return 0 }
    let correct = zip(logits.argmax(axis: 1), targets).filter { $0 == $1 }.count
    return Float(correct) / Float(targets.count)
}
