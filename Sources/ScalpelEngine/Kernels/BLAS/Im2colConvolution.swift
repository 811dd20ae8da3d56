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
}
