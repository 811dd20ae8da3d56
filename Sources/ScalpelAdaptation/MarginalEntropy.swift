import Foundation
import ScalpelEngine

/// MEMO's objective (Zhang, Levine & Finn 2021, Eq. 1): the entropy of the prediction averaged
/// over the B augmentations of one image,
///
///     p̄ = (1/B) Σ_b softmax(z_b),   H(p̄) = −Σ_k p̄_k log p̄_k,
///
/// for logits `z` [B, K]. Formed from log-probabilities so no probability is rounded to zero
/// before its logarithm: with ℓ_b = logSoftmax(z_b),
///
///     log p̄_k = logsumexp_b(ℓ_{b,k}) − log B,
///
/// and logsumexp over the batch axis is read off a log-softmax along it
/// (logsumexp_b q_b = q_0 − logSoftmax(q)_0). H is then `entropy(logits: log p̄)`, since the
/// softmax of log p̄ is p̄ itself. The gradient is the chain rule through these ops:
/// ∂H/∂z_b = (1/B)·J_softmax(z_b)ᵀ·(−log p̄ − 1), the −1 vanishing against Σ_k ∂p_k = 0.
public func marginalEntropy(logits z: Tensor) -> Tensor {
    precondition(z.rank == 2 && z.shape[0] >= 1, "marginalEntropy: logits must be [B, K], got \(z.shape)")
    let q = z.logSoftmax(axis: 1).transposed(0, 1)            // [K, B]: ℓ per class, over augmentations
    let first = q.narrow(axis: 1, start: 0, length: 1)        // [K, 1]: ℓ_{0,k}
    let logSumExp = first - q.logSoftmax(axis: 1).narrow(axis: 1, start: 0, length: 1)  // [K, 1]
    let logMean = logSumExp - logf(Float(z.shape[0]))     // [K, 1]: log p̄
    return entropy(logits: logMean.reshaped([1, z.shape[1]]))
}
