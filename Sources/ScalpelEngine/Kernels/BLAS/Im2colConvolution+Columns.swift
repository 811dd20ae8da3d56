/// The column matrix of the im2col convolution and its adjoint, on channels-last images.
extension Im2colConv {
    /// cols[(n − first)·P + i·OW + j, (u·KW + v)·C + c] = x[n, i·s−p+u, j·s−p+v, c] (0 in the padding).
    ///
    /// The KW taps of one kernel row read KW·C consecutive floats of x (stride moves between
    /// output pixels, not between taps), so each kernel row is one copy of its in-bounds part.
    static func im2col(_ g: ConvGeometry, x: UnsafePointer<Float>, images: Range<Int>,
                       cols: UnsafeMutablePointer<Float>) {
        let first = images.lowerBound
        let rowLength = g.kw * g.c
        parallelFor(images.count, grain: 1) { range in
            for local in range {
                let plane = x + (first + local) * g.h * g.w * g.c
                var row = cols + local * g.pixels * g.k
                for i in 0..<g.oh {
                    for j in 0..<g.ow {
                        let iw0 = j * g.stride - g.padding
                        // Taps v in lo..<hi land inside the input's columns.
                        let lo = max(0, -iw0), hi = min(g.kw, g.w - iw0)
                        for u in 0..<g.kh {
                            let ih = i * g.stride - g.padding + u
                            let dst = row + u * rowLength
                            guard ih >= 0 && ih < g.h && lo < hi else {
                                for e in 0..<rowLength { dst[e] = 0 }
                                continue
                            }
                            for e in 0..<(lo * g.c) { dst[e] = 0 }
                            let src = plane + (ih * g.w + iw0 + lo) * g.c
                            let inside = dst + lo * g.c
                            for e in 0..<((hi - lo) * g.c) { inside[e] = src[e] }
                            for e in (hi * g.c)..<rowLength { dst[e] = 0 }
                        }
                        row += g.k
                    }
                }
            }
        }
    }

    /// ∂x[n, ih, iw, c] = Σ over the cols entries that read it; each image is written by one thread.
    static func col2im(_ g: ConvGeometry, cols: UnsafePointer<Float>, images: Range<Int>,
                       gradInput: UnsafeMutablePointer<Float>) {
        let first = images.lowerBound
        parallelFor(images.count, grain: 1) { range in
            for local in range {
                let plane = gradInput + (first + local) * g.h * g.w * g.c
                plane.update(repeating: 0, count: g.h * g.w * g.c)
                var row = cols + local * g.pixels * g.k
                for i in 0..<g.oh {
                    for j in 0..<g.ow {
                        var src = row
                        for u in 0..<g.kh {
                            let ih = i * g.stride - g.padding + u
                            for v in 0..<g.kw {
                                let iw = j * g.stride - g.padding + v
                                if ih >= 0 && ih < g.h && iw >= 0 && iw < g.w {
                                    let dst = plane + (ih * g.w + iw) * g.c
                                    for c in 0..<g.c { dst[c] += src[c] }
                                }
                                src += g.c
                            }
                        }
                        row += g.k
                    }
                }
            }
        }
    }
}

extension ConvGeometry {
    /// Output pixels per image, OH·OW.
    var pixels: Int { oh * ow }
    /// Columns of im2col, KH·KW·C.
    var k: Int { kh * kw * c }
    /// A 1×1 convolution with stride 1 and no padding: im2col is the identity.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }
    /// Images per im2col chunk: as many as fit in `floats`, at least one, at most the batch.
    func chunkImages(_ floats: Int) -> Int { min(n, max(1, floats / max(1, pixels * k))) }
    /// The batch cut into chunks of `size` images.
    func chunks(of size: Int) -> [Range<Int>] {
        Swift.stride(from: 0, to: n, by: size).map { $0..<min(n, $0 + size) }
    }
}
