/// Plain loops for grouped convolution over logical NCHW buffers, accumulating in Double: the
/// kernels the oneDNN ones are tested against, and the fallback without oneDNN. The formulas
/// are those of `groupedConv2d`.
enum ReferenceGroupedConv {
    /// Visits every term of the convolution sums: output (n, o, i, j), the input channel c it
    /// reads (within o's group), kernel tap (u, v) and input pixel (ih, iw) inside the input.
    @inline(__always)
    private static func forEachTerm(_ g: GroupedConvGeometry,
                                    _ body: (_ n: Int, _ o: Int, _ i: Int, _ j: Int, _ cw: Int, _ c: Int,
                                             _ u: Int, _ v: Int, _ ih: Int, _ iw: Int) -> Void) {
        for n in 0..<g.n {
            for o in 0..<g.o {
                let firstChannel = (o / g.og) * g.cg
                for i in 0..<g.oh {
                    for j in 0..<g.ow {
                        for cw in 0..<g.cg {
                            for u in 0..<g.kh {
                                let ih = i * g.stride - g.padding.top + u
                                guard ih >= 0 && ih < g.h else { continue }
                                for v in 0..<g.kw {
                                    let iw = j * g.stride - g.padding.left + v
                                    guard iw >= 0 && iw < g.w else { continue }
                                    body(n, o, i, j, cw, firstChannel + cw, u, v, ih, iw)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always) private static func xIndex(_ g: GroupedConvGeometry, _ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int {
        ((n * g.c + c) * g.h + h) * g.w + w
    }
    @inline(__always) private static func wIndex(_ g: GroupedConvGeometry, _ o: Int, _ cw: Int, _ u: Int, _ v: Int) -> Int {
        ((o * g.cg + cw) * g.kh + u) * g.kw + v
    }
    @inline(__always) private static func yIndex(_ g: GroupedConvGeometry, _ n: Int, _ o: Int, _ i: Int, _ j: Int) -> Int {
        ((n * g.o + o) * g.oh + i) * g.ow + j
    }

    static func forward(_ g: GroupedConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        var acc = [Double](repeating: 0, count: g.n * g.o * g.oh * g.ow)
        forEachTerm(g) { n, o, i, j, cw, c, u, v, ih, iw in
            acc[yIndex(g, n, o, i, j)] += Double(x[xIndex(g, n, c, ih, iw)]) * Double(weight[wIndex(g, o, cw, u, v)])
        }
        let spatial = g.oh * g.ow
        for k in acc.indices { out[k] = Float(acc[k] + Double(bias?[(k / spatial) % g.o] ?? 0)) }
    }

    static func backwardData(_ g: GroupedConvGeometry, gradOut: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             gradInput: UnsafeMutablePointer<Float>) {
        var acc = [Double](repeating: 0, count: g.n * g.c * g.h * g.w)
        forEachTerm(g) { n, o, i, j, cw, c, u, v, ih, iw in
            acc[xIndex(g, n, c, ih, iw)] += Double(gradOut[yIndex(g, n, o, i, j)]) * Double(weight[wIndex(g, o, cw, u, v)])
        }
        for k in acc.indices { gradInput[k] = Float(acc[k]) }
    }

    static func backwardWeights(_ g: GroupedConvGeometry, gradOut: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                gradWeight: UnsafeMutablePointer<Float>) {
        var acc = [Double](repeating: 0, count: g.o * g.cg * g.kh * g.kw)
        forEachTerm(g) { n, o, i, j, cw, c, u, v, ih, iw in
            acc[wIndex(g, o, cw, u, v)] += Double(gradOut[yIndex(g, n, o, i, j)]) * Double(x[xIndex(g, n, c, ih, iw)])
        }
        for k in acc.indices { gradWeight[k] = Float(acc[k]) }
    }

    static func backwardBias(_ g: GroupedConvGeometry, gradOut: UnsafePointer<Float>, gradBias: UnsafeMutablePointer<Float>) {
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
