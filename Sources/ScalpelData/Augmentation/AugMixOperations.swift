import Foundation
import ScalpelEngine

extension AugMix {
    /// The AugMix operations (Hendrycks et al. 2020), which MEMO (Zhang et al. 2021) uses for its
    /// test-time augmentations. None of them overlaps the corruptions of the test suite.
    public enum Operation: String, CaseIterable, Sendable {
        case autocontrast, equalize, posterize, rotate, solarize
        case shearX = "shear_x", shearY = "shear_y", translateX = "translate_x", translateY = "translate_y"
    }

    /// Applies `op` with a magnitude drawn for `severity` (1...10): a level `l ~ U(0.1, severity)`
    /// scales each operation's maximum `M` to `l·M/10` (truncated to an integer where the
    /// operation needs one), and the geometric operations take a random sign.
    /// - autocontrast: each channel stretched linearly to the full 8-bit range;
    /// - equalize: each channel's 8-bit histogram equalized (PIL `ImageOps.equalize`);
    /// - posterize: keep `4 - ⌊l·4/10⌋` bits;
    /// - rotate: `±⌊l·30/10⌋` degrees about the center (bilinear, zero fill);
    /// - solarize: invert 8-bit values ≥ `256 - ⌊l·256/10⌋`;
    /// - shear_x / shear_y: shear factor `±l·0.3/10` (bilinear, zero fill);
    /// - translate_x / translate_y: `±⌊l·(side/3)/10⌋` pixels (zero fill).
    public static func apply(_ op: Operation, to image: Image, severity: Int,
                             rng: inout RandomGenerator) -> Image {
        func level() -> Float { 0.1 + rng.nextFloat() * (Float(severity) - 0.1) }
        func sign() -> Float { rng.nextFloat() > 0.5 ? -1 : 1 }
        switch op {
        case .autocontrast:
            return mapLevels(image) { hist in
                guard let lo = hist.firstIndex(where: { $0 > 0 }), let hi = hist.lastIndex(where: { $0 > 0 }),
                      hi > lo else { return (0..<256).map(Float.init) }
                let scale = 255 / Float(hi - lo)
                return (0..<256).map { min(max((Float($0 - lo) * scale).rounded(.towardZero), 0), 255) }
            }
        case .equalize:
            return mapLevels(image) { hist in
                let total = hist.reduce(0, +)
                let last = hist.lastIndex(where: { $0 > 0 }) ?? 0
                let step = (total - hist[last]) / 255
                guard step > 0 else { return (0..<256).map(Float.init) }
                var n = step / 2
                return (0..<256).map { i in
                    defer { n += hist[i] }
                    return Float(min(n / step, 255))
                }
            }
        case .posterize:
            let bits = 4 - Int(level() * 4 / 10)
            let mask = ~((1 << (8 - bits)) - 1)
            return mapLevels(image) { _ in (0..<256).map { Float($0 & mask) } }
        case .solarize:
            let threshold = 256 - Int(level() * 256 / 10)
            return mapLevels(image) { _ in (0..<256).map { $0 >= threshold ? Float(255 - $0) : Float($0) } }
        case .rotate:
            let degrees = Float(Int(level() * 30 / 10)) * sign()
            let a = -degrees * Float.pi / 180
            let (cx, cy) = (Float(image.width) / 2, Float(image.height) / 2)
            let (ca, sa) = (Foundation.cos(a), Foundation.sin(a))
            // Input = R(a) · (output - center) + center.
            return affine(image, [ca, sa, cx - ca * cx - sa * cy, -sa, ca, cy + sa * cx - ca * cy])
        case .shearX:
            return affine(image, [1, level() * 0.3 / 10 * sign(), 0, 0, 1, 0])
        case .shearY:
            return affine(image, [1, 0, 0, level() * 0.3 / 10 * sign(), 1, 0])
        case .translateX:
            let t = Float(Int(level() * Float(image.width) / 3 / 10)) * sign()
            return affine(image, [1, 0, t, 0, 1, 0])
        case .translateY:
            let t = Float(Int(level() * Float(image.height) / 3 / 10)) * sign()
            return affine(image, [1, 0, 0, 0, 1, t])
        }
    }

    /// Maps each channel's 8-bit levels (`round(255·x)`) through the table `lut(histogram)`.
    static func mapLevels(_ image: Image, _ lut: ([Int]) -> [Float]) -> Image {
        let n = image.height * image.width
        var out = image
        var levels = [Int](repeating: 0, count: n)
        for c in 0..<image.channels {
            var hist = [Int](repeating: 0, count: 256)
            for i in 0..<n {
                let q = Int((min(max(image.pixels[c * n + i], 0), 1) * 255).rounded())
                levels[i] = q
                hist[q] += 1
            }
            let table = lut(hist)
            for i in 0..<n { out.pixels[c * n + i] = table[levels[i]] / 255 }
        }
        return out
    }

    /// The PIL-style affine transform: output pixel center (x, y) (edge coordinates, centers at
    /// +½) reads the input at `(a·x + b·y + c, d·x + e·y + f)`, bilinear, zero outside.
    static func affine(_ image: Image, _ m: [Float]) -> Image {
        let (h, w) = (image.height, image.width)
        var out = image
        image.pixels.withUnsafeBufferPointer { d in
            for ch in 0..<image.channels {
                let base = ch * h * w
                for y in 0..<h {
                    let yc = Float(y) + 0.5
                    for x in 0..<w {
                        let xc = Float(x) + 0.5
                        let sx = m[0] * xc + m[1] * yc + m[2] - 0.5
                        let sy = m[3] * xc + m[4] * yc + m[5] - 0.5
                        out.pixels[base + y * w + x] = PixelOps.sampleBilinear(d, base: base, height: h, width: w,
                                                                      y: sy, x: sx, border: .zero)
                    }
                }
            }
        }
        return out
    }
}
