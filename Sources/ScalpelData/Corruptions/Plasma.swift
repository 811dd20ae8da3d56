import ScalpelEngine

extension PixelOps {
    /// A square `size × size` plasma fractal (diamond–square midpoint displacement on a torus),
    /// normalized to [0, 1]; `size` must be a power of two.
    ///
    /// Starting from one corner at 0 and a step of `size`, each round sets every square's center to
    /// the mean of its four corners plus `w·U(-w, w)`, then every diamond's center (the edge
    /// midpoints) to the mean of its four neighbors plus `w·U(-w, w)`, halves the step and divides
    /// the wibble `w` (initially 100) by `wibbleDecay`; so a larger decay gives a smoother fog.
    static func plasmaFractal(size: Int, wibbleDecay: Double, rng: inout RandomGenerator) -> [Float] {
        precondition(size > 0 && size & (size - 1) == 0, "plasmaFractal: size must be a power of two")
        let n = size
        var m = [Double](repeating: 0, count: n * n)
        var step = n
        var wibble = 100.0
        @inline(__always) func wrap(_ i: Int) -> Int { (i % n + n) % n }
        while step >= 2 {
            let half = step / 2
            func displaced(_ sum: Double, _ rng: inout RandomGenerator) -> Double {
                sum / 4 + wibble * (rng.nextDouble() * 2 - 1) * wibble
            }
            // Square step: the centers of the step × step squares.
            for y in stride(from: 0, to: n, by: step) {
                for x in stride(from: 0, to: n, by: step) {
                    let y2 = wrap(y + step), x2 = wrap(x + step)
                    let sum = m[y * n + x] + m[y * n + x2] + m[y2 * n + x] + m[y2 * n + x2]
                    m[(y + half) * n + x + half] = displaced(sum, &rng)
                }
            }
            // Diamond step: the midpoints of the squares' edges.
            for y in stride(from: 0, to: n, by: step) {
                for x in stride(from: 0, to: n, by: step) {
                    // Top edge midpoint (y, x + half).
                    let top = m[y * n + x] + m[y * n + wrap(x + step)]
                        + m[wrap(y - half) * n + x + half] + m[(y + half) * n + x + half]
                    m[y * n + x + half] = displaced(top, &rng)
                    // Left edge midpoint (y + half, x).
                    let left = m[y * n + x] + m[wrap(y + step) * n + x]
                        + m[(y + half) * n + wrap(x - half)] + m[(y + half) * n + x + half]
                    m[(y + half) * n + x] = displaced(left, &rng)
                }
            }
            step = half
            wibble /= wibbleDecay
        }
        let lo = m.min()!, hi = m.max()!
        let range = hi > lo ? hi - lo : 1
        return m.map { Float(($0 - lo) / range) }
    }
}
