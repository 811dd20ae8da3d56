/// The two elementwise passes of batch normalization on channels-last rows (see
/// `BatchNormNHWC`): the forward's normalization, with the residual add and the ReLU that
/// follow it in a residual block, and the backward's input gradient, with the ReLU's mask.
/// Both are bound by memory: one read of each operand, one write.
extension BatchNormNHWC {
    /// y = (x − μ)·a + β (+ r) per channel, with a = γ·invstd, then max(y, 0) when `relu`. (Not
    /// x·a + b with b = β − μ·a: that cancels when |μ| ≫ σ; the subtraction costs nothing in a
    /// pass bound by memory.) `residual` r, when given, has x's rows and channels.
    static func normalize(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>? = nil,
                          rows m: Int, channels c: Int, mean: [Float], scale a: [Float], shift beta: [Float],
                          relu: Bool = false) {
        mean.withUnsafeBufferPointer { mu in
            a.withUnsafeBufferPointer { a in
                beta.withUnsafeBufferPointer { b in
                    let (mu, a, b) = (mu.baseAddress!, a.baseAddress!, b.baseAddress!)
                    parallelFor(m, grain: max(1, 16_384 / max(c, 1))) { rows in
                        switch (residual, relu) {
                        case (nil, false): for r in rows { normalizeRow(x + r * c, nil, out + r * c, mu, a, b, c, relu: false) }
                        case (nil, true): for r in rows { normalizeRow(x + r * c, nil, out + r * c, mu, a, b, c, relu: true) }
                        case (let res?, false):
                            for r in rows { normalizeRow(x + r * c, res + r * c, out + r * c, mu, a, b, c, relu: false) }
                        case (let res?, true):
                            for r in rows { normalizeRow(x + r * c, res + r * c, out + r * c, mu, a, b, c, relu: true) }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func normalizeRow(_ x: UnsafePointer<Float>, _ res: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
                                     _ mu: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                     _ c: Int, relu: Bool) {
        var j = 0
        while j + 8 <= c {
            var v = (SIMD8<Float>(x + j) - SIMD8<Float>(mu + j)) * SIMD8<Float>(a + j) + SIMD8<Float>(b + j)
            if let res { v += SIMD8<Float>(res + j) }
            // max(v, 0) with NaN kept, as Swift.max(v, 0) below.
            if relu { v.replace(with: 0, where: v .< 0) }
            v.store(to: y + j)
            j += 8
        }
        while j < c {
            var v = (x[j] - mu[j]) * a[j] + b[j]
            if let res { v += res[j] }
            y[j] = relu ? Swift.max(v, 0) : v
            j += 1
        }
    }

    /// ∂x = p·G + q·(x − μ) + s per channel (the affine form of both BN backward formulas), G
    /// masked by [y > 0] when the forward's output `relu` y is given.
    static func inputGradient(x: UnsafePointer<Float>, gradOut g: UnsafePointer<Float>, relu y: UnsafePointer<Float>? = nil,
                              gradInput dx: UnsafeMutablePointer<Float>, rows m: Int, channels c: Int,
                              mean: [Float], p: [Float], q: [Float], s: [Float]) {
        mean.withUnsafeBufferPointer { mu in
            p.withUnsafeBufferPointer { p in
                q.withUnsafeBufferPointer { q in
                    s.withUnsafeBufferPointer { s in
                        let (mu, p, q, s) = (mu.baseAddress!, p.baseAddress!, q.baseAddress!, s.baseAddress!)
                        parallelFor(m, grain: max(1, 16_384 / max(c, 1))) { rows in
                            if let y {
                                for r in rows { gradientRow(x + r * c, g + r * c, y + r * c, dx + r * c, mu, p, q, s, c) }
                            } else {
                                for r in rows { gradientRow(x + r * c, g + r * c, nil, dx + r * c, mu, p, q, s, c) }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func gradientRow(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>?,
                                    _ dx: UnsafeMutablePointer<Float>, _ mu: UnsafePointer<Float>, _ p: UnsafePointer<Float>,
                                    _ q: UnsafePointer<Float>, _ s: UnsafePointer<Float>, _ c: Int) {
        var j = 0
        while j + 8 <= c {
            var gv = SIMD8<Float>(g + j)
            if let y { gv.replace(with: 0, where: .!(SIMD8<Float>(y + j) .> 0)) }
            let v = SIMD8<Float>(p + j) * gv + SIMD8<Float>(q + j) * (SIMD8<Float>(x + j) - SIMD8<Float>(mu + j))
                + SIMD8<Float>(s + j)
            v.store(to: dx + j)
            j += 8
        }
        while j < c {
            let gj = y.map { $0[j] > 0 ? g[j] : 0 } ?? g[j]
            dx[j] = p[j] * gj + q[j] * (x[j] - mu[j]) + s[j]
            j += 1
        }
    }
}
