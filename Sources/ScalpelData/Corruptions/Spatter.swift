// 8-bit image helpers of the liquid spatter (see `Corruptions.spatter`): blob edges, chamfer
// distance, histogram equalization and the emboss filter that shades the drops.

extension PixelOps {
    /// The inner boundary of a blob mask: set pixels with an unset 4-neighbor (the image border
    /// does not count as unset).
    static func maskEdges(_ mask: [Bool], height: Int, width: Int) -> [Bool] {
        var edges = [Bool](repeating: false, count: mask.count)
        for y in 0..<height {
            for x in 0..<width where mask[y * width + x] {
                if (y > 0 && !mask[(y - 1) * width + x]) || (y + 1 < height && !mask[(y + 1) * width + x])
                    || (x > 0 && !mask[y * width + x - 1]) || (x + 1 < width && !mask[y * width + x + 1]) {
                    edges[y * width + x] = true
                }
            }
        }
        return edges
    }

    /// The Euclidean distance of every pixel to the nearest `source` pixel, by a two-pass 3×3
    /// chamfer (steps 1 and √2), capped at `cap` (also the value when there is no source).
    static func chamferDistance(to source: [Bool], height: Int, width: Int, cap: Float) -> [Float] {
        let big = Float(height + width) * 2
        var d = source.map { $0 ? Float(0) : big }
        let diag = Float(2).squareRoot()
        for y in 0..<height {
            for x in 0..<width {
                var v = d[y * width + x]
                if x > 0 { v = min(v, d[y * width + x - 1] + 1) }
                if y > 0 {
                    v = min(v, d[(y - 1) * width + x] + 1)
                    if x > 0 { v = min(v, d[(y - 1) * width + x - 1] + diag) }
                    if x + 1 < width { v = min(v, d[(y - 1) * width + x + 1] + diag) }
                }
                d[y * width + x] = v
            }
        }
        for y in stride(from: height - 1, through: 0, by: -1) {
            for x in stride(from: width - 1, through: 0, by: -1) {
                var v = d[y * width + x]
                if x + 1 < width { v = min(v, d[y * width + x + 1] + 1) }
                if y + 1 < height {
                    v = min(v, d[(y + 1) * width + x] + 1)
                    if x > 0 { v = min(v, d[(y + 1) * width + x - 1] + diag) }
                    if x + 1 < width { v = min(v, d[(y + 1) * width + x + 1] + diag) }
                }
                d[y * width + x] = v
            }
        }
        return d.map { min($0, cap) }
    }

    /// Histogram equalization of 8-bit values (given as integral floats in 0...255): the value of
    /// the lowest occupied level maps to 0, the others to `round(255 · cdf(v) - cdf(v_min)) /
    /// (count - count(v_min)))`. A constant image is returned unchanged.
    static func equalizeHistogram(_ values: [Float]) -> [Float] {
        var hist = [Int](repeating: 0, count: 256)
        for v in values { hist[Int(min(max(v, 0), 255))] += 1 }
        guard let first = hist.firstIndex(where: { $0 > 0 }), hist[first] < values.count else { return values }
        let scale = 255 / Float(values.count - hist[first])
        var lut = [Float](repeating: 0, count: 256)
        var sum = 0
        for level in (first + 1)..<256 {
            sum += hist[level]
            lut[level] = min((Float(sum) * scale).rounded(), 255)
        }
        return values.map { lut[Int(min(max($0, 0), 255))] }
    }

    /// The emboss kernel `[[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]` that lights the drops from the
    /// lower right.
    static let spatterEmboss: [Float] = [-2, -1, 0, -1, 1, 1, 0, 1, 2]

    /// The 3×3 box filter.
    static let box3: [Float] = [Float](repeating: 1.0 / 9, count: 9)
}
