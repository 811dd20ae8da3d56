/// Average pooling on channels-last buffers ([N, H, W, C] physical) in Swift, for runs without
/// oneDNN. Padding counts as zeros in the divisor (`count_include_pad=True`):
///   y[n,i,j,c] = Σ_{(h,w) in window (i,j) ∩ input} x[n,h,w,c] / k²
///   ∂x[n,h,w,c] = Σ_{windows (i,j) containing (h,w)} G[n,i,j,c] / k²
/// Both passes write each element once (backward gathers over the windows covering an input),
/// split over output or input rows with `parallelFor`.
enum AvgPoolNHWC {
    static func forward(_ g: PoolGeometry, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let (c, h, w, oh, ow, s, p, k) = (g.c, g.h, g.w, g.oh, g.ow, g.stride, g.padding, g.kernel)
        let scale = 1 / Float(k * k)
        parallelFor(g.n * oh, grain: max(1, 32_768 / max(1, ow * c * k * k))) { rows in
            for row in rows {
                let (n, i) = (row / oh, row % oh)
                let h0 = max(0, i * s - p), h1 = min(h, i * s - p + k)
                let plane = x + n * h * w * c
                for j in 0..<ow {
                    let w0 = max(0, j * s - p), w1 = min(w, j * s - p + k)
                    let y = out + (row * ow + j) * c
                    y.update(repeating: 0, count: c)
                    for ih in h0..<max(h0, h1) {
                        for iw in w0..<max(w0, w1) {
                            let src = plane + (ih * w + iw) * c
                            for ch in 0..<c { y[ch] += src[ch] }
                        }
                    }
                    for ch in 0..<c { y[ch] *= scale }
                }
            }
        }
    }

    static func backward(_ g: PoolGeometry, gradOut: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
        let (c, h, w, oh, ow, s, p, k) = (g.c, g.h, g.w, g.oh, g.ow, g.stride, g.padding, g.kernel)
        let scale = 1 / Float(k * k)
        parallelFor(g.n * h, grain: max(1, 32_768 / max(1, w * c * k * k))) { rows in
            for row in rows {
                let (n, ih) = (row / h, row % h)
                // Windows i with i·s − p ≤ ih < i·s − p + k, clipped to the output.
                let i0 = max(0, (ih + p - k + s) / s), i1 = min(oh, (ih + p) / s + 1)
                for iw in 0..<w {
                    let j0 = max(0, (iw + p - k + s) / s), j1 = min(ow, (iw + p) / s + 1)
                    let d = gradInput + (row * w + iw) * c
                    d.update(repeating: 0, count: c)
                    for i in i0..<max(i0, i1) {
                        for j in j0..<max(j0, j1) {
                            let src = gradOut + ((n * oh + i) * ow + j) * c
                            for ch in 0..<c { d[ch] += src[ch] }
                        }
                    }
                    for ch in 0..<c { d[ch] *= scale }
                }
            }
        }
    }
}
