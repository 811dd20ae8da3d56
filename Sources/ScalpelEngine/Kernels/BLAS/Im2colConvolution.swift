/// Convolution as matrix products on the platform BLAS, for builds and runs without oneDNN.
///
/// Shapes (activations channels-last, as on the oneDNN path):
///   x  [N, H, W, C]      input          K = KH·KW·C, P = OH·OW output pixels per image
///   y  [N, OH, OW, O]    output         W′ [O, K] = the OIHW weight reordered to O·(KH, KW, C)
///   cols [N·P, K]        im2col(x): row (n, i, j) holds x[n, i·s−p+u, j·s−p+v, c] in (u, v, c)
///                        order, zero where the tap falls in the padding
/// Forward:           y = cols · W′ᵀ (+ b, + residual, ReLU: the inference epilogue)
/// Backward-data:     ∂cols = G · W′, then col2im adds each row back onto the taps it read
/// Backward-weights:  ∂W′ = Gᵀ · cols (reordered to OIHW), ∂b = Gᵀ · 1
/// where G = ∂L/∂y as [N·P, O]. A 1×1 convolution with stride 1 and no padding needs no im2col:
/// cols is x itself.
///
/// The batch is cut into chunks whose cols fit in `scratchFloats` floats; im2col and col2im run over
/// the chunk's images with `parallelFor`, each GEMM spans the whole chunk (M = images·P) on
/// BLAS's own threads.
enum Im2colConv {
    /// Floats of im2col scratch per chunk (16 MiB).
    static let scratchFloats = 1 << 22

    /// y = conv(x, w) + b, then + residual and ReLU when asked. `residual` and `out` are
    /// [N, OH, OW, O].
    static func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil, relu: Bool = false,
                        out: UnsafeMutablePointer<Float>, scratchFloats: Int = scratchFloats) {
        let wt = reorderedWeight(g, weight)
        forEachChunk(g, scratchFloats) { images, cols in
            let a = cols ?? UnsafePointer(x + images.lowerBound * g.h * g.w * g.c)
            BLAS.sgemm(transB: true, m: images.count * g.pixels, n: g.o, k: g.k, a: a, lda: g.k,
                       b: wt.pointer, ldb: g.k, c: out + images.lowerBound * g.pixels * g.o, ldc: g.o)
        } fill: { images, cols in
            im2col(g, x: x, images: images, cols: cols)
        }
        guard bias != nil || residual != nil || relu else { return }
        let (rows, o) = (g.n * g.pixels, g.o)
        parallelFor(rows, grain: max(1, 32_768 / o)) { range in
            for r in range {
                let y = out + r * o
                if let bias { for k in 0..<o { y[k] += bias[k] } }
                if let residual { for k in 0..<o { y[k] += residual[r * o + k] } }
                if relu { for k in 0..<o { y[k] = max(y[k], 0) } }
            }
        }
    }

    /// ∂x = col2im(G · W′).
    static func backwardData(_ g: ConvGeometry, gradOut: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             gradInput: UnsafeMutablePointer<Float>, scratchFloats: Int = scratchFloats) {
        let wt = reorderedWeight(g, weight)
        if g.isPointwise {
            BLAS.sgemm(m: g.n * g.pixels, n: g.c, k: g.o, a: gradOut, lda: g.o, b: wt.pointer, ldb: g.k,
                       c: gradInput, ldc: g.c)
            return
        }
        let chunk = g.chunkImages(scratchFloats)
        let scratch = Tensor(uninitialized: [chunk * g.pixels * g.k])
        for images in g.chunks(of: chunk) {
            BLAS.sgemm(m: images.count * g.pixels, n: g.k, k: g.o, a: gradOut + images.lowerBound * g.pixels * g.o,
                       lda: g.o, b: wt.pointer, ldb: g.k, c: scratch.pointer, ldc: g.k)
            col2im(g, cols: scratch.pointer, images: images, gradInput: gradInput)
        }
    }

    /// ∂w = reorder(Gᵀ · cols) to OIHW; ∂b = Gᵀ · 1 when `gradBias` is given.
    static func backwardWeights(_ g: ConvGeometry, gradOut: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
                                scratchFloats: Int = scratchFloats) {
        let gwt = Tensor(uninitialized: [g.o, g.k])
        var first = true
        forEachChunk(g, scratchFloats) { images, cols in
            let b = cols ?? UnsafePointer(x + images.lowerBound * g.h * g.w * g.c)
            BLAS.sgemm(transA: true, m: g.o, n: g.k, k: images.count * g.pixels,
                       a: gradOut + images.lowerBound * g.pixels * g.o, lda: g.o, b: b, ldb: g.k,
                       beta: first ? 0 : 1, c: gwt.pointer, ldc: g.k)
            first = false
        } fill: { images, cols in
            im2col(g, x: x, images: images, cols: cols)
        }
        // [O, KH, KW, C] → [O, C, KH, KW]
        let taps = g.kh * g.kw
        for o in 0..<g.o {
            for t in 0..<taps {
                for c in 0..<g.c { gradWeight[(o * g.c + c) * taps + t] = gwt.pointer[(o * taps + t) * g.c + c] }
            }
        }
        if let gradBias {
            let rows = g.n * g.pixels
            let ones = Tensor(shape: [rows], data: [Float](repeating: 1, count: rows))
            BLAS.sgemvTransposed(m: rows, n: g.o, a: gradOut, x: ones.pointer, y: gradBias)
        }
    }

    /// The OIHW weight as W′ [O, KH·KW·C].
    private static func reorderedWeight(_ g: ConvGeometry, _ w: UnsafePointer<Float>) -> Tensor {
        let wt = Tensor(uninitialized: [g.o, g.k])
        let taps = g.kh * g.kw
        for o in 0..<g.o {
            for c in 0..<g.c {
                for t in 0..<taps { wt.pointer[(o * taps + t) * g.c + c] = w[(o * g.c + c) * taps + t] }
            }
        }
        return wt
    }

    /// Calls `gemm(images, cols)` per chunk of the batch: cols nil for a pointwise convolution
    /// (x is its own cols), else a scratch buffer that `fill` has written first.
    private static func forEachChunk(_ g: ConvGeometry, _ scratchFloats: Int,
                                     _ gemm: (Range<Int>, UnsafePointer<Float>?) -> Void,
                                     fill: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        if g.isPointwise {
            gemm(0..<g.n, nil)
            return
        }
        let chunk = g.chunkImages(scratchFloats)
        let scratch = Tensor(uninitialized: [chunk * g.pixels * g.k])
        for images in g.chunks(of: chunk) {
            fill(images, scratch.pointer)
            gemm(images, UnsafePointer(scratch.pointer))
        }
    }

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
