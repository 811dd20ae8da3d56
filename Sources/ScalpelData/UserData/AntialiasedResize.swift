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

    /// `image` resized to `height × width` (width first, then height).
    static func resize(_ image: Image, height: Int, width: Int) -> Image {
        let wx = weights(input: image.width, output: width), wy = weights(input: image.height, output: height)
        let inH = image.height, inW = image.width
        var out = [Float](repeating: 0, count: image.channels * height * width)
        var rows = [Float](repeating: 0, count: inH * width)
        for c in 0..<image.channels {
            let src = c * inH * inW
            for y in 0..<inH {
                for x in 0..<width {
                    let (start, w) = wx[x]
                    var sum: Float = 0
                    for k in w.indices { sum += w[k] * image.pixels[src + y * inW + start + k] }
                    rows[y * width + x] = sum
                }
            }
            let dst = c * height * width
            for y in 0..<height {
                let (start, w) = wy[y]
                for x in 0..<width {
                    var sum: Float = 0
                    for k in w.indices { sum += w[k] * rows[(start + k) * width + x] }
                    out[dst + y * width + x] = sum
                }
            }
        }
        return Image(pixels: out, channels: image.channels, height: height, width: width)
    }
}
