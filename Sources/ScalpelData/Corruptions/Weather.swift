import ScalpelEngine

// Weather corruptions: fog and spatter.

extension Corruptions {
    /// Fog: `x' = clip((x + c·P) · M / (M + c))` with P a plasma fractal (one map for all
    /// channels; its side the next power of two ≥ the image side, cropped to the image, as the
    /// reference's 32-pixel map for CIFAR), M the image maximum;
    /// (c, wibble decay) = [(0.2, 3), (0.5, 3), (0.75, 2.5), (1, 2), (1.5, 1.75)].
    static func fog(_ image: Image, _ s: Int, _ rng: inout RandomGenerator) -> Image {
        let (c, decay): (Float, Double) = [(0.2, 3), (0.5, 3), (0.75, 2.5), (1, 2), (1.5, 1.75)][s]
        let (h, w) = (image.height, image.width)
        var side = 1
        while side < max(h, w) { side *= 2 }
        let plasma = PixelOps.plasmaFractal(size: side, wibbleDecay: decay, rng: &rng)
        let maxValue = image.pixels.max() ?? 0
        let scale = maxValue / (maxValue + c)
        var p = image.pixels
        for ch in 0..<image.channels {
            for y in 0..<h {
                for x in 0..<w {
                    let i = (ch * h + y) * w + x
                    p[i] = (p[i] + c * plasma[y * side + x]) * scale
                }
            }
        }
        return image.withClampedPixels(p)
    }

    /// Spatter: a liquid layer `L = G_σ * N(μ, s²)` (per pixel, one for all channels) zeroed
    /// below the threshold t marks the drops. Liquid (severities 1–3): drops are shaded by the
    /// emboss of the equalized, blurred distance to the drop edges (capped at 20 pixels),
    /// `m = a · L·D / max(L·D)`, and `x' = clip(x + m · color)` with pale turquoise
    /// (175, 238, 238)/255. Mud (4–5): `m = G_a * [L > t]`, zeroed below 0.8, and
    /// `x' = clip(x·(1 - m) + m · color)` with mud brown (63, 42, 20)/255. One-channel images use
    /// the colors' BT.601 luma (0.860 and 0.179).
    /// (μ, s, σ, t, a, mud) = [(0.62, 0.1, 0.7, 0.7, 0.5, no), (0.65, 0.1, 0.8, 0.7, 0.5, no),
    /// (0.65, 0.3, 1, 0.69, 0.5, no), (0.65, 0.1, 0.7, 0.66, 0.6, yes), (0.65, 0.1, 0.5, 0.64, 0.6, yes)].
    /// The reference's mud thresholds t = 0.69 and 0.68 leave, at 28–32 pixels, only a few drops
    /// (less damage than liquid severity 3); 0.66 and 0.64 make the damage grow with severity.
    static func spatter(_ image: Image, _ s: Int, _ rng: inout RandomGenerator) -> Image {
        spatter(image, spatterParameters[s], &rng)
    }

    static let spatterParameters: [(Float, Float, Float, Float, Float, Bool)] = [
        (0.62, 0.1, 0.7, 0.7, 0.5, false), (0.65, 0.1, 0.8, 0.7, 0.5, false),
        (0.65, 0.3, 1, 0.69, 0.5, false), (0.65, 0.1, 0.7, 0.66, 0.6, true),
        (0.65, 0.1, 0.5, 0.64, 0.6, true),
    ]

    static func spatter(_ image: Image, _ params: (Float, Float, Float, Float, Float, Bool),
                        _ rng: inout RandomGenerator) -> Image {
        let (mu, sd, sigma, t, a, mud) = params
        let (h, w, n) = (image.height, image.width, image.height * image.width)
        var layer = [Float](repeating: 0, count: n)
        for i in 0..<n { layer[i] = mu + sd * rng.nextNormal() }
        PixelOps.gaussianFilter(&layer, planes: 1, height: h, width: w, sigma: sigma)
        let mask = layer.map { $0 >= t }
        var m = [Float](repeating: 0, count: n)
        let rgb: [Float]
        var p = image.pixels
        if !mud {
            rgb = [175, 238, 238]
            // Drop shading from the (8-bit) distance to the drop edges.
            var dist = PixelOps.chamferDistance(to: PixelOps.maskEdges(mask, height: h, width: w), height: h, width: w, cap: 20)
            dist = PixelOps.convolve2D(dist, planes: 1, height: h, width: w, kernel: PixelOps.box3, size: 3, border: .reflect101)
            dist = PixelOps.equalizeHistogram(dist.map { $0.rounded(.towardZero) })
            dist = PixelOps.convolve2D(dist, planes: 1, height: h, width: w, kernel: PixelOps.spatterEmboss, size: 3, border: .reflect101)
            dist = dist.map { min(max($0.rounded(), 0), 255) }
            dist = PixelOps.convolve2D(dist, planes: 1, height: h, width: w, kernel: PixelOps.box3, size: 3, border: .reflect101)
            var peak: Float = 0
            for i in 0..<n {
                m[i] = mask[i] ? min(layer[i] * 255, 255).rounded(.towardZero) * dist[i] : 0
                peak = max(peak, m[i])
            }
            let norm = peak > 0 ? a / peak : 0
            for i in 0..<n { m[i] *= norm }
        } else {
            rgb = [63, 42, 20]
            for i in 0..<n { m[i] = layer[i] > t ? 1 : 0 }
            PixelOps.gaussianFilter(&m, planes: 1, height: h, width: w, sigma: a)
            for i in 0..<n where m[i] < 0.8 { m[i] = 0 }
        }
        let colors = image.channels == 3 ? rgb.map { $0 / 255 } : [(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255]
        for ch in 0..<image.channels {
            for i in 0..<n {
                let j = ch * n + i
                p[j] = mud ? p[j] * (1 - m[i]) + m[i] * colors[ch] : p[j] + m[i] * colors[ch]
            }
        }
        return image.withClampedPixels(p)
    }
}
