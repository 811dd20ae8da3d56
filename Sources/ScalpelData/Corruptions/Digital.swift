import ScalpelEngine

// Digital corruptions: contrast, brightness, pixelate, JPEG, elastic transform.

extension Corruptions {
    /// Contrast: `x' = clip((x - μ) · c + μ)` with μ the per-channel mean,
    /// c = [0.75, 0.5, 0.4, 0.3, 0.15].
    static func contrast(_ image: Image, _ s: Int) -> Image {
        let c: Float = [0.75, 0.5, 0.4, 0.3, 0.15][s]
        let n = image.height * image.width
        var p = image.pixels
        for ch in 0..<image.channels {
            var mean: Float = 0
            for i in (ch * n)..<((ch + 1) * n) { mean += p[i] }
            mean /= Float(n)
            for i in (ch * n)..<((ch + 1) * n) { p[i] = (p[i] - mean) * c + mean }
        }
        return image.withClampedPixels(p)
    }

    /// Brightness: add c to the HSV value channel, `V' = min(V + c, 1)`, hue and saturation
    /// kept, c = [0.05, 0.1, 0.15, 0.2, 0.3]. In RGB this scales a pixel by V'/V (V = max of
    /// its channels; black becomes gray c); a one-channel image is its own V: `x' = min(x + c, 1)`.
    static func brightness(_ image: Image, _ s: Int) -> Image {
        let c: Float = [0.05, 0.1, 0.15, 0.2, 0.3][s]
        let n = image.height * image.width
        var p = image.pixels
        if image.channels == 1 {
            for i in p.indices { p[i] += c }
        } else {
            for i in 0..<n {
                let v = max(p[i], p[n + i], p[2 * n + i])
                let v2 = min(v + c, 1)
                if v > 0 {
                    let k = v2 / v
                    p[i] *= k; p[n + i] *= k; p[2 * n + i] *= k
                } else {
                    p[i] = v2; p[n + i] = v2; p[2 * n + i] = v2
                }
            }
        }
        return image.withClampedPixels(p)
    }

    /// Pixelate: box (area-average) downsampling to `⌊side · c⌋` pixels and box upsampling back,
    /// c = [0.75, 0.65, 0.55, 0.45, 0.35] (28 → 21, 18, 15, 12, 9; 32 → 24, 20, 17, 14, 11).
    /// The reference's c = [0.95, 0.9, 0.85, 0.75, 0.65] is not monotone at 28–32 pixels: for
    /// factors near 1 the damage is set by how the pixel grids alias, not by the factor.
    static func pixelate(_ image: Image, _ s: Int) -> Image {
        let c: Float = [0.75, 0.65, 0.55, 0.45, 0.35][s]
        let (h, w) = (image.height, image.width)
        let sh = max(1, Int(Float(h) * c)), sw = max(1, Int(Float(w) * c))
        let small = PixelOps.boxResize(image.pixels, planes: image.channels, height: h, width: w, newHeight: sh, newWidth: sw)
        let back = PixelOps.boxResize(small, planes: image.channels, height: sh, width: sw, newHeight: h, newWidth: w)
        return image.withClampedPixels(back)
    }

    /// JPEG compression: a baseline JPEG encode/decode round trip (see ``JPEG``) at quality
    /// q = [80, 65, 58, 50, 40].
    static func jpegCompression(_ image: Image, _ s: Int) -> Image {
        JPEG.roundTrip(image, quality: [80, 65, 58, 50, 40][s])
    }

    /// Elastic transform, with S the image side: a random affine warp moving the three points
    /// `center ± ⌊S/3⌋` by U(-β, β) each coordinate (bilinear, mirrored border), then a
    /// displacement field `(dx, dy) = α · G_σ * U(-1, 1)` (each component smoothed independently,
    /// Gaussian truncated at 3σ, mirrored border) applied by bilinear sampling at
    /// `(y + dy, x + dx)`. (α, σ, β) / S = [(0, 0, 0.08), (0.05, 0.2, 0.07), (0.08, 0.06, 0.06),
    /// (0.1, 0.04, 0.05), (0.1, 0.03, 0.03)] in the reference; ours, changed for a damage that
    /// grows with severity (the reference's shrinking affine part dominates at 28–32 pixels):
    /// (α, σ, β) / S = [(0, 0, 0.02), (0.05, 0.06, 0.03), (0.08, 0.05, 0.04), (0.1, 0.04, 0.05),
    /// (0.12, 0.035, 0.06)].
    static func elasticTransform(_ image: Image, _ s: Int, _ rng: inout RandomGenerator) -> Image {
        let (fa, fs, fb) = elasticParameters[s]
        return elasticTransform(image, alpha: fa, sigma: fs, beta: fb, &rng)
    }

    static let elasticParameters: [(Float, Float, Float)] =
        [(0, 0, 0.02), (0.05, 0.06, 0.03), (0.08, 0.05, 0.04), (0.1, 0.04, 0.05), (0.12, 0.035, 0.06)]

    static func elasticTransform(_ image: Image, alpha fa: Float, sigma fs: Float, beta fb: Float,
                                 _ rng: inout RandomGenerator) -> Image {
        let side = Float(min(image.height, image.width))
        let (alpha, sigma, beta) = (fa * side, fs * side, fb * side)
        let (h, w, ch) = (image.height, image.width, image.channels)
        let n = h * w

        // Random affine: solve for the map taking the moved points back to the originals
        // (the inverse warp), then resample.
        let cx = Float(w / 2), cy = Float(h / 2), sq = Float(min(h, w) / 3)
        let src: [(Float, Float)] = [(cx + sq, cy + sq), (cx + sq, cy - sq), (cx - sq, cy - sq)]
        var dst = src
        for i in 0..<3 {
            dst[i].0 += (rng.nextFloat() * 2 - 1) * beta
            dst[i].1 += (rng.nextFloat() * 2 - 1) * beta
        }
        let inv = PixelOps.affineFromPoints(dst, to: src)
        var warped = [Float](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { d in
            for c in 0..<ch {
                for y in 0..<h {
                    for x in 0..<w {
                        let sx = inv[0] * Float(x) + inv[1] * Float(y) + inv[2]
                        let sy = inv[3] * Float(x) + inv[4] * Float(y) + inv[5]
                        warped[(c * h + y) * w + x] = PixelOps.sampleBilinear(d, base: c * n, height: h, width: w,
                                                                     y: sy, x: sx, border: .reflect101)
                    }
                }
            }
        }

        // Smoothed random displacement field.
        var dx = [Float](repeating: 0, count: n), dy = [Float](repeating: 0, count: n)
        for i in 0..<n { dx[i] = rng.nextFloat() * 2 - 1 }
        for i in 0..<n { dy[i] = rng.nextFloat() * 2 - 1 }
        PixelOps.gaussianFilter(&dx, planes: 1, height: h, width: w, sigma: sigma, truncate: 3, border: .reflect)
        PixelOps.gaussianFilter(&dy, planes: 1, height: h, width: w, sigma: sigma, truncate: 3, border: .reflect)
        var out = [Float](repeating: 0, count: warped.count)
        warped.withUnsafeBufferPointer { d in
            for c in 0..<ch {
                for y in 0..<h {
                    for x in 0..<w {
                        let i = y * w + x
                        out[c * n + i] = PixelOps.sampleBilinear(d, base: c * n, height: h, width: w,
                                                        y: Float(y) + alpha * dy[i], x: Float(x) + alpha * dx[i],
                                                        border: .reflect)
                    }
                }
            }
        }
        return image.withClampedPixels(out)
    }
}

extension PixelOps {
    /// The affine map `(x, y) ↦ (a·x + b·y + c, d·x + e·y + f)`, as `[a, b, c, d, e, f]`, that takes
    /// the three points `from` to `to` (Cramer's rule; the identity if they are collinear).
    static func affineFromPoints(_ from: [(Float, Float)], to: [(Float, Float)]) -> [Float] {
        let (x0, y0) = from[0], (x1, y1) = from[1], (x2, y2) = from[2]
        let det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1)
        guard abs(det) > 1e-6 else { return [1, 0, 0, 0, 1, 0] }
        func solve(_ t0: Float, _ t1: Float, _ t2: Float) -> (Float, Float, Float) {
            let a = (t0 * (y1 - y2) - y0 * (t1 - t2) + (t1 * y2 - t2 * y1)) / det
            let b = (x0 * (t1 - t2) - t0 * (x1 - x2) + (x1 * t2 - x2 * t1)) / det
            let c = (x0 * (y1 * t2 - y2 * t1) - y0 * (x1 * t2 - x2 * t1) + t0 * (x1 * y2 - x2 * y1)) / det
            return (a, b, c)
        }
        let (a, b, c) = solve(to[0].0, to[1].0, to[2].0)
        let (d, e, f) = solve(to[0].1, to[1].1, to[2].1)
        return [a, b, c, d, e, f]
    }
}
