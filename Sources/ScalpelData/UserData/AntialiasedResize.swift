/// Bilinear resizing with antialiasing, as PyTorch's `interpolate(mode="bilinear", antialias=True,
/// align_corners=False)` (which torchvision's `Resize` uses on tensors, and which follows PIL's
/// resampling).
///
/// Separable: each output coordinate `i` of an axis scaled by `s = in / out` gathers the inputs
/// `j` around the center `c = s (i + 0.5)` within the support `r = max(s, 1)`, weighted by the
/// triangle filter `w_j = max(0, 1 − |(j − c + 0.5) / max(s, 1)|)` and normalized to sum 1, for
/// `j` in `[max(⌊c − r + 0.5⌋, 0), min(⌊c + r + 0.5⌋, in))`. Downscaling thus averages over the
/// footprint of each output pixel; upscaling is ordinary bilinear interpolation.
enum AntialiasedResize {
    /// The weights of one axis: for each output index, the first input index and the weights.
    static func weights(input: Int, output: Int) -> [(start: Int, weights: [Float])] {
        let scale = Double(input) / Double(output)
        let support = scale >= 1 ? scale : 1
        let invScale = scale >= 1 ? 1 / scale : 1
        return (0..<output).map { i in
            let center = scale * (Double(i) + 0.5)
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), input)
            var w = (lo..<hi).map { j in max(0, 1 - abs((Double(j) - center + 0.5) * invScale)) }
            let total = w.reduce(0, +)
            if total != 0 { w = w.map { $0 / total } }
            return (lo, w.map(Float.init))
        }
    }

    /// `image` resized to `height × width` (width first, then height); each output a sum over
    /// ascending input index `k` of `w[k] · x[start + k]`.
    static func resize(_ image: Image, height: Int, width: Int) -> Image {
        let wx = weights(input: image.width, output: width), wy = weights(input: image.height, output: height)
        let inH = image.height, inW = image.width
        // Each axis's weights in one array: output i uses flat[offset[i] ..< offset[i] + count[i]].
        func flatten(_ axis: [(start: Int, weights: [Float])]) -> (start: [Int], offset: [Int], count: [Int], flat: [Float]) {
            var offset = [Int](), flat = [Float]()
            for a in axis { offset.append(flat.count); flat += a.weights }
            return (axis.map(\.start), offset, axis.map(\.weights.count), flat)
        }
        let fx = flatten(wx), fy = flatten(wy)
        var out = [Float](repeating: 0, count: image.channels * height * width)
        var rows = [Float](repeating: 0, count: inH * width)
        image.pixels.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { r in
                out.withUnsafeMutableBufferPointer { o in
                    fx.flat.withUnsafeBufferPointer { wxs in
                        fy.flat.withUnsafeBufferPointer { wys in
                            for c in 0..<image.channels {
                                let plane = c * inH * inW
                                for y in 0..<inH {
                                    for x in 0..<width {
                                        let base = plane + y * inW + fx.start[x], wo = fx.offset[x]
                                        var sum: Float = 0
                                        for k in 0..<fx.count[x] { sum += wxs[wo + k] * src[base + k] }
                                        r[y * width + x] = sum
                                    }
                                }
                                let dst = c * height * width
                                for y in 0..<height {
                                    let start = fy.start[y], wo = fy.offset[y], n = fy.count[y]
                                    for x in 0..<width {
                                        var sum: Float = 0
                                        for k in 0..<n { sum += wys[wo + k] * r[(start + k) * width + x] }
                                        o[dst + y * width + x] = sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Image(pixels: out, channels: image.channels, height: height, width: width)
    }
}
