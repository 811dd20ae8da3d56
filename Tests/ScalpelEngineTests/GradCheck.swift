import Testing
@testable import ScalpelEngine

/// Finite-difference gradient checking.
///
/// For a scalar function f of some tensors, compares every entry of the autodiff gradient
/// with the central difference (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h, computed in Float32 with
/// the loss accumulated in Double. Float32 central differences carry an error of about
/// ε_f·|f|/h + h²·|f'''|, so with h = 1e-2 and losses of order one the default tolerance
/// is 2e-2 relative to max(|numeric|, |analytic|, 1e-1) — tight enough to catch any wrong
/// formula (which errs by O(1)), loose enough for Float32 rounding.
func checkGradients(
    _ inputs: [Tensor], h: Float = 1e-2, tolerance: Float = 2e-2, maxEntries: Int = 40,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: () -> Tensor
) {
    for t in inputs { t.requiresGrad = true; t.grad = nil }
    let loss = f()
    loss.backward()
    for (k, t) in inputs.enumerated() {
        guard let g = t.grad else {
            Issue.record("input \(k) got no gradient", sourceLocation: sourceLocation)
            continue
        }
        let analytic = g.converted(to: t.format)
        let step = max(1, t.count / maxEntries)
        for i in stride(from: 0, to: t.count, by: step) {
            let saved = t.pointer[i]
            t.pointer[i] = saved + h
            let plus = withNoGrad { f().item }
            t.pointer[i] = saved - h
            let minus = withNoGrad { f().item }
            t.pointer[i] = saved
            let numeric = (plus - minus) / (2 * h)
            let a = analytic.pointer[i]
            let scale = max(Swift.abs(numeric), Swift.abs(a), 0.1)
            #expect(Swift.abs(numeric - a) <= tolerance * scale,
                    "input \(k) entry \(i): autodiff \(a), finite difference \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// A weighted sum Σ wᵢ·yᵢ with fixed pseudo-random weights: a scalar loss whose gradient
/// with respect to y is a dense, non-uniform tensor (unlike sum(), whose gradient is all ones).
func probeLoss(_ y: Tensor, seed: UInt64 = 99) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let w = Tensor.uniform(y.shape, low: -1, high: 1, using: &rng)
    return (y * w).sum()
}

/// Random tensor helper for tests.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, using: &rng)
}

/// Asserts two arrays agree elementwise within a relative tolerance.
func expectClose(_ a: [Float], _ b: [Float], rtol: Float = 1e-5, atol: Float = 1e-6, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) elements", sourceLocation: sourceLocation)
    var worst: (Int, Float, Float)? = nil
    var worstExcess: Float = 0
    for i in 0..<min(a.count, b.count) {
        let excess = Swift.abs(a[i] - b[i]) - (atol + rtol * Swift.abs(b[i]))
        if excess > worstExcess { worstExcess = excess; worst = (i, a[i], b[i]) }
    }
    if let (i, x, y) = worst {
        Issue.record("\(what): entry \(i): \(x) vs \(y) (rtol \(rtol), atol \(atol))", sourceLocation: sourceLocation)
    }
}

/// The committed PyTorch fixtures (written by scripts/torch_fixtures.py).
let fixturesDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)  // ScalpelEngineTests/GradCheck.swift
    return parts.joined(separator: "/") + "/Fixtures"
}()
