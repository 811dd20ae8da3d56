/// The shape parameters of a 2-D convolution: input [N, C, H, W], weight [O, C, KH, KW],
/// one stride and one zero padding for both spatial dimensions (the key of cached plans).
struct ConvGeometry: Hashable {
    let n, c, h, w: Int
    let o, kh, kw: Int
    let stride, padding: Int

    var oh: Int { (h + 2 * padding - kh) / stride + 1 }
    var ow: Int { (w + 2 * padding - kw) / stride + 1 }
    var inputShape: [Int] { [n, c, h, w] }
    var weightShape: [Int] { [o, c, kh, kw] }
    var outputShape: [Int] { [n, o, oh, ow] }
    /// Multiply–adds of one pass (forward, backward-data and backward-weights all do this many).
    var macs: Int { n * o * oh * ow * c * kh * kw }
}

/// Plain loops over logical NCHW buffers (contiguous), accumulating in Double: the kernels
/// the fast ones are tested against, and the fallback without oneDNN.
///
/// y[n,o,i,j] = b[o] + Σ_{c,u,v} x[n,c, i·s−p+u, j·s−p+v] · w[o,c,u,v]   (x is 0 outside)
enum ReferenceConv {
    /// Calls `body(u, v, ih, iw)` for each kernel tap of output pixel (i, j) that lands inside
    /// the input.
    @inline(__always)
    static func forEachTap(_ g: ConvGeometry, _ i: Int, _ j: Int, _ body: (Int, Int, Int, Int) -> Void) {
        for u in 0..<g.kh {
            let ih = i * g.stride - g.padding + u
            guard ih >= 0 && ih < g.h else { continue }
            for v in 0..<g.kw {
                let iw = j * g.stride - g.padding + v
                guard iw >= 0 && iw < g.w else { continue }
                body(u, v, ih, iw)
            }
        }
    }

    static func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (g.oh, g.ow)
        for n in 0..<g.n {
            for o in 0..<g.o {
                for i in 0..<oh {
                    for j in 0..<ow {
                        var acc = Double(bias?[o] ?? 0)
                        for c in 0..<g.c {
                            forEachTap(g, i, j) { u, v, ih, iw in
                                acc += Double(x[((n * g.c + c) * g.h + ih) * g.w + iw])
                                    * Double(weight[((o * g.c + c) * g.kh + u) * g.kw + v])
                            }
                        }
                        out[((n * g.o + o) * oh + i) * ow + j] = Float(acc)
                    }
                }
            }
        }
    }

    /// ∂x[n,c,ih,iw] = Σ over the (o, i, j, u, v) that read x[n,c,ih,iw] of g[n,o,i,j] · w[o,c,u,v].
    static func backwardData(_ g: ConvGeometry, gradOut: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             gradInput: UnsafeMutablePointer<Float>) {
        var acc = [Double](repeating: 0, count: g.n * g.c * g.h * g.w)
        forEachProduct(g, gradOut) { n, o, c, u, v, ih, iw, dy in
            acc[((n * g.c + c) * g.h + ih) * g.w + iw] += dy * Double(weight[((o * g.c + c) * g.kh + u) * g.kw + v])
        }
        for k in acc.indices { gradInput[k] = Float(acc[k]) }
    }

    /// ∂w[o,c,u,v] = Σ_{n,i,j} g[n,o,i,j] · x[n,c, i·s−p+u, j·s−p+v].
    static func backwardWeights(_ g: ConvGeometry, gradOut: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                gradWeight: UnsafeMutablePointer<Float>) {
        var acc = [Double](repeating: 0, count: g.o * g.c * g.kh * g.kw)
        forEachProduct(g, gradOut) { n, o, c, u, v, ih, iw, dy in
            acc[((o * g.c + c) * g.kh + u) * g.kw + v] += dy * Double(x[((n * g.c + c) * g.h + ih) * g.w + iw])
        }
        for k in acc.indices { gradWeight[k] = Float(acc[k]) }
    }

    /// Visits every term g[n,o,i,j] · (weight or input tap) of the convolution's backward sums:
    /// each output gradient dy = g[n,o,i,j], input channel c and in-bounds tap (u, v) → (ih, iw).
    private static func forEachProduct(_ g: ConvGeometry, _ gradOut: UnsafePointer<Float>,
                                       _ body: (_ n: Int, _ o: Int, _ c: Int, _ u: Int, _ v: Int,
                                                _ ih: Int, _ iw: Int, _ dy: Double) -> Void) {
        let (oh, ow) = (g.oh, g.ow)
        for n in 0..<g.n {
            for o in 0..<g.o {
                for i in 0..<oh {
                    for j in 0..<ow {
                        let dy = Double(gradOut[((n * g.o + o) * oh + i) * ow + j])
                        for c in 0..<g.c {
                            forEachTap(g, i, j) { u, v, ih, iw in body(n, o, c, u, v, ih, iw, dy) }
                        }
                    }
                }
            }
        }
    }

    /// ∂b[o] = Σ_{n,i,j} g[n,o,i,j].
    static func backwardBias(_ g: ConvGeometry, gradOut: UnsafePointer<Float>, gradBias: UnsafeMutablePointer<Float>) {
        let spatial = g.oh * g.ow
        for o in 0..<g.o {
            var acc: Double = 0
            for n in 0..<g.n {
                let p = gradOut + (n * g.o + o) * spatial
                for k in 0..<spatial { acc += Double(p[k]) }
            }
            gradBias[o] = Float(acc)
        }
    }
}
