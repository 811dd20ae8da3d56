import Foundation

// Shared image-processing helpers of the corruption suite: border handling, separable and 2-D
// convolution, bilinear sampling, box resampling. All work on CHW planes stored in a flat
// `[Float]` (`planes × height × width`) and allocate only whole buffers, never per pixel.

/// The shared image-processing helpers of the corruption suite.
enum PixelOps {}

extension PixelOps {
    /// How a filter or sampler reads outside the image.
    enum Border: Sendable {
        /// Repeat the edge pixel: `a a | a b c`.
        case nearest
        /// Half-sample symmetric (scipy / skimage "reflect"): `b a | a b c`.
        case reflect
        /// Whole-sample symmetric (OpenCV's default `BORDER_REFLECT_101`): `c b | a b c`.
        case reflect101
        /// Zero outside the image.
        case zero
    }

    /// The in-range index that `i` reads under `border`, or -1 for a zero read.
    @inline(__always)
    static func borderIndex(_ i: Int, _ n: Int, _ border: Border) -> Int {
        if i >= 0 && i < n { return i }
        switch border {
        case .nearest:
            return i < 0 ? 0 : n - 1
        case .zero:
            return -1
        case .reflect:
            let period = 2 * n
            var j = i % period
            if j < 0 { j += period }
            return j < n ? j : period - 1 - j
        case .reflect101:
            if n == 1 { return 0 }
            let period = 2 * n - 2
            var j = i % period
            if j < 0 { j += period }
            return j < n ? j : period - j
        }
    }

    /// A normalized 1-D Gaussian of standard deviation `sigma`, radius `Int(truncate·sigma + 0.5)`
    /// (scipy's `gaussian_filter` convention). `sigma ≤ 0` gives the identity kernel `[1]`.
    static func gaussianKernel1D(sigma: Float, truncate: Float = 4) -> [Float] {
        guard sigma > 0 else { return [1] }
        let radius = Int(truncate * sigma + 0.5)
        var k = [Float](repeating: 0, count: 2 * radius + 1)
        var sum: Float = 0
        for i in -radius...radius {
            let v = Foundation.exp(-0.5 * Float(i * i) / (sigma * sigma))
            k[i + radius] = v
            sum += v
        }
        for i in k.indices { k[i] /= sum }
        return k
    }

    /// Convolves every `height × width` plane of `data` with the separable kernel
    /// `kernel ⊗ kernel` (odd length, centered), in place.
    static func convolveSeparable(_ data: inout [Float], planes: Int, height: Int, width: Int,
                           kernel: [Float], border: Border) {
        guard kernel.count > 1 else { return }
        let r = kernel.count / 2
        let plane = height * width
        var tmp = [Float](repeating: 0, count: plane)
        data.withUnsafeMutableBufferPointer { d in
            tmp.withUnsafeMutableBufferPointer { t in
                kernel.withUnsafeBufferPointer { k in
                    for p in 0..<planes {
                        let base = p * plane
                        // Horizontal pass: d -> t.
                        for y in 0..<height {
                            let row = base + y * width
                            for x in 0..<width {
                                var s: Float = 0
                                if x >= r && x + r < width {
                                    for j in 0..<k.count { s += k[j] * d[row + x - r + j] }
                                } else {
                                    for j in 0..<k.count {
                                        let xi = PixelOps.borderIndex(x - r + j, width, border)
                                        if xi >= 0 { s += k[j] * d[row + xi] }
                                    }
                                }
                                t[y * width + x] = s
                            }
                        }
                        // Vertical pass: t -> d.
                        for y in 0..<height {
                            for x in 0..<width {
                                var s: Float = 0
                                for j in 0..<k.count {
                                    let yi = PixelOps.borderIndex(y - r + j, height, border)
                                    if yi >= 0 { s += k[j] * t[yi * width + x] }
                                }
                                d[base + y * width + x] = s
                            }
                        }
                    }
                }
            }
        }
    }

    /// Gaussian blur of every plane, in place (skimage `gaussian`: per channel, `truncate` = 4).
    static func gaussianFilter(_ data: inout [Float], planes: Int, height: Int, width: Int, sigma: Float,
                        truncate: Float = 4, border: Border = .nearest) {
        PixelOps.convolveSeparable(&data, planes: planes, height: height, width: width,
                          kernel: PixelOps.gaussianKernel1D(sigma: sigma, truncate: truncate), border: border)
    }

    /// Correlates every plane with a square `size × size` kernel (row-major, centered), returning
    /// a new buffer.
    static func convolve2D(_ data: [Float], planes: Int, height: Int, width: Int, kernel: [Float],
                    size: Int, border: Border) -> [Float] {
        let r = size / 2
        var out = [Float](repeating: 0, count: data.count)
        data.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                for p in 0..<planes {
                    let base = p * height * width
                    for y in 0..<height {
                        for x in 0..<width {
                            var s: Float = 0
                            for ky in 0..<size {
                                let yi = PixelOps.borderIndex(y - r + ky, height, border)
                                if yi < 0 { continue }
                                for kx in 0..<size {
                                    let w = kernel[ky * size + kx]
                                    if w == 0 { continue }
                                    let xi = PixelOps.borderIndex(x - r + kx, width, border)
                                    if xi >= 0 { s += w * d[base + yi * width + xi] }
                                }
                            }
                            o[base + y * width + x] = s
                        }
                    }
                }
            }
        }
        return out
    }

    /// Bilinear interpolation of the plane starting at `base` at the real position (`y`, `x`)
    /// (pixel centers at integer coordinates).
    @inline(__always)
    static func sampleBilinear(_ d: UnsafeBufferPointer<Float>, base: Int, height: Int, width: Int,
                        y: Float, x: Float, border: Border) -> Float {
        let fy = y.rounded(.down), fx = x.rounded(.down)
        let ay = y - fy, ax = x - fx
        let y0 = Int(fy), x0 = Int(fx)
        let yi0 = PixelOps.borderIndex(y0, height, border), yi1 = PixelOps.borderIndex(y0 + 1, height, border)
        let xi0 = PixelOps.borderIndex(x0, width, border), xi1 = PixelOps.borderIndex(x0 + 1, width, border)
        @inline(__always) func at(_ yi: Int, _ xi: Int) -> Float {
            (yi < 0 || xi < 0) ? 0 : d[base + yi * width + xi]
        }
        let top = at(yi0, xi0) * (1 - ax) + at(yi0, xi1) * ax
        let bottom = at(yi1, xi0) * (1 - ax) + at(yi1, xi1) * ax
        return top * (1 - ay) + bottom * ay
    }

    /// The weights of exact area ("box") resampling of `n` samples to `m`: for each output sample,
    /// the input samples it overlaps and the fraction of its footprint each covers.
    static func boxResampleWeights(from n: Int, to m: Int) -> [[(index: Int, weight: Float)]] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { o in
            let lo = Double(o) * scale, hi = Double(o + 1) * scale
            var taps: [(index: Int, weight: Float)] = []
            var i = Int(lo.rounded(.down))
            while Double(i) < hi && i < n {
                let overlap = min(hi, Double(i + 1)) - max(lo, Double(i))
                if overlap > 1e-9 { taps.append((i, Float(overlap / scale))) }
                i += 1
            }
            return taps
        }
    }

    /// Resamples every plane from `height × width` to `newHeight × newWidth` by area averaging.
    static func boxResize(_ data: [Float], planes: Int, height: Int, width: Int,
                   newHeight: Int, newWidth: Int) -> [Float] {
        let wy = PixelOps.boxResampleWeights(from: height, to: newHeight)
        let wx = PixelOps.boxResampleWeights(from: width, to: newWidth)
        var tmp = [Float](repeating: 0, count: height * newWidth)
        var out = [Float](repeating: 0, count: planes * newHeight * newWidth)
        for p in 0..<planes {
            let base = p * height * width
            for y in 0..<height {
                for x in 0..<newWidth {
                    var s: Float = 0
                    for t in wx[x] { s += t.weight * data[base + y * width + t.index] }
                    tmp[y * newWidth + x] = s
                }
            }
            let obase = p * newHeight * newWidth
            for y in 0..<newHeight {
                for x in 0..<newWidth {
                    var s: Float = 0
                    for t in wy[y] { s += t.weight * tmp[t.index * newWidth + x] }
                    out[obase + y * newWidth + x] = s
                }
            }
        }
        return out
    }
}

extension Image {
    /// The image with the same shape and new pixels, clamped to [0, 1].
    func withClampedPixels(_ pixels: [Float]) -> Image {
        var out = Image(pixels: pixels, channels: channels, height: height, width: width)
        out.pixels.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = min(max(p[i], 0), 1) }
        }
        return out
    }
}
