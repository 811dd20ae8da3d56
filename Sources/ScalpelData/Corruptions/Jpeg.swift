import Foundation

/// A baseline JPEG encode/decode round trip (the lossy part of ITU-T T.81; the lossless
/// Huffman stage changes nothing and is skipped).
///
/// Pixels are quantized to 8 bits; RGB is converted to YCbCr (JFIF, BT.601 full range) and the
/// chroma planes subsampled 2×2 (4:2:0, the libjpeg/PIL default); planes are padded to whole
/// 8×8 blocks by edge replication, level-shifted by -128, transformed by the 8×8 DCT-II,
/// quantized with the Annex K luminance / chrominance tables scaled to the quality (IJG:
/// `s = q < 50 ? 5000/q : 200 - 2q`, `Q = clamp(⌊(T·s + 50)/100⌋, 1, 255)`), dequantized,
/// inverse transformed, rounded to 8 bits; chroma is upsampled with libjpeg's triangle filter
/// (weights ¾, ¼) and converted back to RGB.
enum JPEG {
    /// The Annex K luminance quantization table (row-major, natural order).
    static let luminanceTable: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]
    /// The Annex K chrominance quantization table.
    static let chrominanceTable: [Int] = [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ]
    /// `cosines[u * 8 + x] = C(u)/2 · cos((2x + 1)uπ/16)`: the orthonormal 8-point DCT-II matrix.
    static let cosines: [Float] = (0..<64).map { i in
        let u = i / 8, x = i % 8
        let cu = u == 0 ? 1 / Double(2).squareRoot() : 1
        return Float(cu / 2 * cos(Double(2 * x + 1) * Double(u) * Double.pi / 16))
    }

    /// A base table scaled to `quality` (1...100) the IJG way.
    static func scaledTable(_ base: [Int], quality: Int) -> [Float] {
        let q = min(max(quality, 1), 100)
        let s = q < 50 ? 5000 / q : 200 - 2 * q
        return base.map { Float(min(max(($0 * s + 50) / 100, 1), 255)) }
    }

    static func roundTrip(_ image: Image, quality: Int) -> Image {
        let (h, w, n) = (image.height, image.width, image.height * image.width)
        let lum = scaledTable(luminanceTable, quality: quality)
        let p = image.pixels.map { (min(max($0, 0), 1) * 255).rounded() }
        var out = [Float](repeating: 0, count: p.count)
        if image.channels == 1 {
            let y = codePlane(Array(p[0..<n]), height: h, width: w, table: lum)
            for i in 0..<n { out[i] = y[i] / 255 }
            return image.withClampedPixels(out)
        }
        let chr = scaledTable(chrominanceTable, quality: quality)
        var yy = [Float](repeating: 0, count: n), cb = yy, cr = yy
        for i in 0..<n {
            let (r, g, b) = (p[i], p[n + i], p[2 * n + i])
            yy[i] = 0.299 * r + 0.587 * g + 0.114 * b
            cb[i] = -0.168_736 * r - 0.331_264 * g + 0.5 * b + 128
            cr[i] = 0.5 * r - 0.418_688 * g - 0.081_312 * b + 128
        }
        let (ch, cw) = ((h + 1) / 2, (w + 1) / 2)
        yy = codePlane(yy.map { $0.rounded() }, height: h, width: w, table: lum)
        cb = upsample(codePlane(downsample(cb, h, w), height: ch, width: cw, table: chr), ch, cw, h, w)
        cr = upsample(codePlane(downsample(cr, h, w), height: ch, width: cw, table: chr), ch, cw, h, w)
        for i in 0..<n {
            let (y, u, v) = (yy[i], cb[i] - 128, cr[i] - 128)
            out[i] = (y + 1.402 * v).rounded() / 255
            out[n + i] = (y - 0.344_136 * u - 0.714_136 * v).rounded() / 255
            out[2 * n + i] = (y + 1.772 * u).rounded() / 255
        }
        return image.withClampedPixels(out)
    }

    /// 2×2 averaging (edge pixels repeated for odd sides), rounded to 8 bits.
    static func downsample(_ plane: [Float], _ h: Int, _ w: Int) -> [Float] {
        let (ch, cw) = ((h + 1) / 2, (w + 1) / 2)
        var out = [Float](repeating: 0, count: ch * cw)
        for y in 0..<ch {
            for x in 0..<cw {
                let y0 = 2 * y, x0 = 2 * x, y1 = min(2 * y + 1, h - 1), x1 = min(2 * x + 1, w - 1)
                let s = plane[y0 * w + x0] + plane[y0 * w + x1] + plane[y1 * w + x0] + plane[y1 * w + x1]
                out[y * cw + x] = (s / 4).rounded()
            }
        }
        return out
    }

    /// libjpeg's "fancy" 2× upsampling: each output sample is ¾ of its nearest input sample and
    /// ¼ of the next nearest, in each direction (edges repeated).
    static func upsample(_ plane: [Float], _ ch: Int, _ cw: Int, _ h: Int, _ w: Int) -> [Float] {
        var out = [Float](repeating: 0, count: h * w)
        for y in 0..<h {
            let ny = y / 2, fy = y % 2 == 0 ? max(ny - 1, 0) : min(ny + 1, ch - 1)
            for x in 0..<w {
                let nx = x / 2, fx = x % 2 == 0 ? max(nx - 1, 0) : min(nx + 1, cw - 1)
                let near = 0.75 * plane[ny * cw + nx] + 0.25 * plane[ny * cw + fx]
                let far = 0.75 * plane[fy * cw + nx] + 0.25 * plane[fy * cw + fx]
                out[y * w + x] = 0.75 * near + 0.25 * far
            }
        }
        return out
    }

    /// Codes one 8-bit plane (values 0...255): per 8×8 block (edge-padded), level shift, DCT,
    /// quantize to `round(F/Q)`, dequantize, inverse DCT, round and clamp to 0...255.
    static func codePlane(_ plane: [Float], height h: Int, width w: Int, table: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: h * w)
        var block = [Float](repeating: 0, count: 64), tmp = block
        let cs = cosines
        for by in stride(from: 0, to: h, by: 8) {
            for bx in stride(from: 0, to: w, by: 8) {
                for y in 0..<8 {
                    for x in 0..<8 {
                        block[y * 8 + x] = plane[min(by + y, h - 1) * w + min(bx + x, w - 1)] - 128
                    }
                }
                // Forward DCT: F = C · B · Cᵀ.
                for u in 0..<8 {
                    for x in 0..<8 {
                        var s: Float = 0
                        for y in 0..<8 { s += cs[u * 8 + y] * block[y * 8 + x] }
                        tmp[u * 8 + x] = s
                    }
                }
                for u in 0..<8 {
                    for v in 0..<8 {
                        var s: Float = 0
                        for x in 0..<8 { s += tmp[u * 8 + x] * cs[v * 8 + x] }
                        // Quantize and dequantize.
                        let q = table[u * 8 + v]
                        block[u * 8 + v] = (s / q).rounded() * q
                    }
                }
                // Inverse DCT: B = Cᵀ · F · C.
                for y in 0..<8 {
                    for v in 0..<8 {
                        var s: Float = 0
                        for u in 0..<8 { s += cs[u * 8 + y] * block[u * 8 + v] }
                        tmp[y * 8 + v] = s
                    }
                }
                for y in 0..<8 where by + y < h {
                    for x in 0..<8 where bx + x < w {
                        var s: Float = 0
                        for v in 0..<8 { s += tmp[y * 8 + v] * cs[v * 8 + x] }
                        out[(by + y) * w + bx + x] = min(max((s + 128).rounded(), 0), 255)
                    }
                }
            }
        }
        return out
    }
}
