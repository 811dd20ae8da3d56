import Testing
import ScalpelEngine
@testable import ScalpelData

@Suite struct AugmentationTests {
    static let images = [TestImages.gray[0], TestImages.color[0], TestImages.gray[1], TestImages.color[1]]

    @Test func randomCropWithoutPaddingIsIdentity() {
        var rng = RandomGenerator(seed: 1)
        for img in Self.images { #expect(RandomCrop(padding: 0).apply(img, rng: &rng) == img) }
    }

    @Test func randomCropIsAZeroFilledShift() {
        var rng = RandomGenerator(seed: 2)
        let crop = RandomCrop(padding: 4)
        for img in Self.images {
            for _ in 0..<5 {
                let out = crop.apply(img, rng: &rng)
                #expect((out.channels, out.height, out.width) == (img.channels, img.height, img.width))
                let shifts = (-4...4).flatMap { dy in (-4...4).map { (dy, $0) } }
                #expect(shifts.contains { RandomCrop.crop(img, dy: $0.0, dx: $0.1) == out })
            }
            let shifted = RandomCrop.crop(img, dy: 2, dx: -3)
            #expect(shifted[0, 0, 3] == img[0, 2, 0] && shifted[0, 0, 0] == 0)
            #expect(shifted[0, img.height - 1, 5] == 0)
        }
        var r1 = RandomGenerator(seed: 9), r2 = RandomGenerator(seed: 9)
        #expect(crop.apply(Self.images[1], rng: &r1) == crop.apply(Self.images[1], rng: &r2))
    }

    @Test func flipTwiceIsIdentityAndFlipCanBeDisabled() {
        var rng = RandomGenerator(seed: 3)
        let always = RandomHorizontalFlip(probability: 1)
        let off = RandomHorizontalFlip(probability: 1, enabled: false)
        for img in Self.images {
            let once = always.apply(img, rng: &rng)
            #expect(once != img)
            #expect(once[0, 3, 0] == img[0, 3, img.width - 1])
            #expect(always.apply(once, rng: &rng) == img)
            #expect(RandomHorizontalFlip.flipped(RandomHorizontalFlip.flipped(img)) == img)
            #expect(off.apply(img, rng: &rng) == img)
        }
        var flips = 0
        let half = RandomHorizontalFlip()
        for _ in 0..<200 where half.apply(Self.images[0], rng: &rng) != Self.images[0] { flips += 1 }
        #expect(flips > 70 && flips < 130)
    }

    @Test func augmixOperationsKeepShapeAndRange() {
        var rng = RandomGenerator(seed: 4)
        for img in Self.images {
            for op in AugMix.Operation.allCases {
                for severity in [1, 3, 10] {
                    let out = AugMix.apply(op, to: img, severity: severity, rng: &rng)
                    #expect((out.channels, out.height, out.width) == (img.channels, img.height, img.width))
                    #expect(out.pixels.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(op)")
                }
            }
        }
        // Autocontrast stretches to the full range; solarize at full level inverts everything.
        let dim = Image(pixels: (0..<784).map { 0.2 + 0.4 * Float($0 % 28) / 27 }, channels: 1, height: 28, width: 28)
        let stretched = AugMix.apply(.autocontrast, to: dim, severity: 3, rng: &rng)
        #expect(stretched.pixels.min() == 0 && stretched.pixels.max() == 1)
        let eq = AugMix.apply(.equalize, to: dim, severity: 3, rng: &rng)
        #expect(eq.pixels.max()! > 0.9 && eq.pixels.min()! < 0.1)
        // PIL's equalize needs more than 255 pixels outside the top level to act.
        let tiny = Image(pixels: (0..<16).map { 0.2 + 0.4 * Float($0) / 15 }, channels: 1, height: 4, width: 4)
        #expect(AugMix.apply(.equalize, to: tiny, severity: 3, rng: &rng) == tiny.quantized())
    }

    @Test func augmixIsDeterministicInRangeAndCorrelatedWithTheInput() {
        for (k, img) in Self.images.enumerated() {
            var r1 = RandomGenerator(seed: 10 + UInt64(k)), r2 = RandomGenerator(seed: 10 + UInt64(k))
            let a = AugMix.augment(img, rng: &r1), b = AugMix.augment(img, rng: &r2)
            #expect(a == b)
            #expect((a.channels, a.height, a.width) == (img.channels, img.height, img.width))
            var diff = 0.0, corr = 0.0
            for _ in 0..<8 {
                let out = AugMix.augment(img, rng: &r1)
                #expect(out.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
                diff += TestImages.meanAbsDiff(out, img) / 8
                corr += correlation(out.pixels, img.pixels) / 8
            }
            #expect(diff > 0.005, "AugMix should change the image")
            #expect(corr > 0.5, "AugMix should stay correlated with the input: \(corr)")
            let fixed = AugMix.augment(img, rng: &r1, severity: 1, width: 2, depth: 1, alpha: 0.5)
            #expect(fixed.pixels.count == img.pixels.count)
        }
    }

    @Test func gammaBetaDirichlet() {
        var rng = RandomGenerator(seed: 5)
        let n = 4000
        for shape: Float in [0.5, 1, 3] {
            var sum: Float = 0
            for _ in 0..<n {
                let g = RandomSampling.gamma(shape: shape, rng: &rng)
                #expect(g >= 0)
                sum += g
            }
            #expect(abs(sum / Float(n) - shape) < 4 * (shape / Float(n)).squareRoot(), "Gamma(\(shape)) mean")
        }
        var bsum: Float = 0
        for _ in 0..<n { bsum += RandomSampling.beta(2, 6, rng: &rng) }
        #expect(abs(bsum / Float(n) - 0.25) < 0.01)
        for _ in 0..<50 {
            let w = RandomSampling.dirichlet([1, 1, 1], rng: &rng)
            #expect(w.count == 3 && w.allSatisfy { $0 >= 0 } && abs(w.reduce(0, +) - 1) < 1e-5)
        }
    }

    func correlation(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0) { $0 + Double($1) } / n, mb = b.reduce(0) { $0 + Double($1) } / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let da = Double(a[i]) - ma, db = Double(b[i]) - mb
            sab += da * db; saa += da * da; sbb += db * db
        }
        return sab / max((saa * sbb).squareRoot(), 1e-12)
    }
}

extension Image {
    /// Pixels rounded to 8-bit levels.
    func quantized() -> Image {
        Image(pixels: pixels.map { ($0 * 255).rounded() / 255 }, channels: channels, height: height, width: width)
    }
}
