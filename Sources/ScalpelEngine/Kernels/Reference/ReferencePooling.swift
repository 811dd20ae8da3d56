/// The shape parameters of a square 2-D pooling window over [N, C, H, W].
struct PoolGeometry: Hashable {
    let n, c, h, w: Int
    let kernel, stride, padding: Int

    var oh: Int { (h + 2 * padding - kernel) / stride + 1 }
    var ow: Int { (w + 2 * padding - kernel) / stride + 1 }
    var inputShape: [Int] { [n, c, h, w] }
    var outputShape: [Int] { [n, c, oh, ow] }
}

/// Pooling as plain loops over logical NCHW buffers (contiguous).
///
/// Window (i, j) covers rows i·s−p ..< i·s−p+k and columns j·s−p ..< j·s−p+k.
/// Max: y = the largest input inside the window (padding is −∞); the gradient goes to the first
/// position holding it. Average: y = (Σ of the inputs inside the window) / k² (padding counts
/// as zeros); each input in the window gets G/k².
enum ReferencePool {
    /// Calls `body(plane, i, j, windowOffsets)` for every output position, with the in-bounds
    /// offsets of its window inside the plane (row-major order).
    static func forEachWindow(_ g: PoolGeometry, _ body: (_ plane: Int, _ outIndex: Int, _ window: [Int]) -> Void) {
        let (oh, ow) = (g.oh, g.ow)
        for plane in 0..<(g.n * g.c) {
            for i in 0..<oh {
                for j in 0..<ow {
                    var window: [Int] = []
                    for u in 0..<g.kernel {
                        let ih = i * g.stride - g.padding + u
                        guard ih >= 0 && ih < g.h else { continue }
                        for v in 0..<g.kernel {
                            let iw = j * g.stride - g.padding + v
                            if iw >= 0 && iw < g.w { window.append(ih * g.w + iw) }
                        }
                    }
                    body(plane, (plane * oh + i) * ow + j, window)
                }
            }
        }
    }

    static func maxForward(_ g: PoolGeometry, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        forEachWindow(g) { plane, o, window in
            let base = x + plane * g.h * g.w
            out[o] = window.map { base[$0] }.reduce(-Float.infinity) { Swift.max($0, $1) }
        }
    }

    static func maxBackward(_ g: PoolGeometry, x: UnsafePointer<Float>, gradOut: UnsafePointer<Float>,
                            gradInput: UnsafeMutablePointer<Float>) {
        gradInput.update(repeating: 0, count: g.n * g.c * g.h * g.w)
        forEachWindow(g) { plane, o, window in
            let base = x + plane * g.h * g.w
            var best = window[0]
            for k in window where base[k] > base[best] { best = k }
            gradInput[plane * g.h * g.w + best] += gradOut[o]
        }
    }

    static func avgForward(_ g: PoolGeometry, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let area = Double(g.kernel * g.kernel)
        forEachWindow(g) { plane, o, window in
            let base = x + plane * g.h * g.w
            out[o] = Float(window.reduce(0.0) { $0 + Double(base[$1]) } / area)
        }
    }

    static func avgBackward(_ g: PoolGeometry, gradOut: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
        var acc = [Double](repeating: 0, count: g.n * g.c * g.h * g.w)
        let area = Double(g.kernel * g.kernel)
        forEachWindow(g) { plane, o, window in
            for k in window { acc[plane * g.h * g.w + k] += Double(gradOut[o]) / area }
        }
        for i in acc.indices { gradInput[i] = Float(acc[i]) }
    }

    /// y[n,c] = mean over H·W of x[n,c].
    static func globalAvgForward(planes: Int, hw: Int, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        for p in 0..<planes {
            var s: Double = 0
            for k in 0..<hw { s += Double(x[p * hw + k]) }
            out[p] = Float(s / Double(hw))
        }
    }

    /// ∂x[n,c,h,w] = G[n,c] / (H·W).
    static func globalAvgBackward(planes: Int, hw: Int, gradOut: UnsafePointer<Float>,
                                  gradInput: UnsafeMutablePointer<Float>) {
        for p in 0..<planes {
            for k in 0..<hw { gradInput[p * hw + k] = gradOut[p] / Float(hw) }
        }
    }
}
