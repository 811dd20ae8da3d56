import Foundation
import Testing
import ScalpelEngine
@testable import ScalpelData

/// Synthetic, real-looking test images: smooth shading, a textured rectangle and a disk with
/// hard edges. One-channel images have a dark background, like (Fashion-)MNIST.
enum TestImages {
    static func synthetic(channels: Int, side: Int, seed: UInt64) -> Image {
        var rng = RandomGenerator(seed: seed)
        var img = Image(repeating: 0, channels: channels, height: side, width: side)
        let s = Float(side)
        let gx = rng.nextFloat() - 0.5, gy = rng.nextFloat() - 0.5
        let r0 = Int(s * (0.15 + 0.2 * rng.nextFloat())), r1 = Int(s * (0.55 + 0.25 * rng.nextFloat()))
        let c0 = Int(s * (0.1 + 0.2 * rng.nextFloat())), c1 = Int(s * (0.5 + 0.3 * rng.nextFloat()))
        let dcx = s * (0.3 + 0.4 * rng.nextFloat()), dcy = s * (0.3 + 0.4 * rng.nextFloat())
        let dr = s * (0.12 + 0.1 * rng.nextFloat())
        let freq = 0.3 + 0.5 * rng.nextFloat()
        let dark = channels == 1
        for c in 0..<channels {
            let tint = 0.6 + 0.4 * rng.nextFloat()
            for y in 0..<side {
                for x in 0..<side {
                    var v: Float = dark ? 0.05 : 0.35 + 0.3 * (gx * Float(x) + gy * Float(y)) / s
                    if y >= r0 && y < r1 && x >= c0 && x < c1 {
                        v = dark ? 0.75 + 0.2 * sin(freq * Float(x + y)) : 0.8 * tint
                    }
                    let ddx = Float(x) - dcx, ddy = Float(y) - dcy
                    if ddx * ddx + ddy * ddy < dr * dr { v = dark ? 1.0 : 0.15 + 0.1 * Float(c) }
                    if !dark { v += 0.08 * sin(freq * Float(x) + Float(c)) * cos(freq * Float(y)) }
                    img[c, y, x] = min(max(v, 0), 1)
                }
            }
        }
        return img
    }

    /// A few 28×28×1 and 32×32×3 images.
    static let gray = (0..<6).map { synthetic(channels: 1, side: 28, seed: 100 + UInt64($0)) }
    static let color = (0..<6).map { synthetic(channels: 3, side: 32, seed: 200 + UInt64($0)) }

    static func meanAbsDiff(_ a: Image, _ b: Image) -> Double {
        var total = 0.0
        for i in a.pixels.indices { total += Double(abs(a.pixels[i] - b.pixels[i])) }
        return total / Double(a.pixels.count)
    }
}

@Suite struct CorruptionTests {
    @Test func namesAreTheSixteenOfCIFAR10C() {
        #expect(Corruptions.names.count == 16)
        #expect(Set(Corruptions.names).count == 16)
        #expect(Corruptions.deterministicNames.isSubset(of: Set(Corruptions.names)))
    }

    @Test func badRequestsThrow() throws {
        var rng = RandomGenerator(seed: 1)
        let img = TestImages.gray[0]
        #expect(throws: CorruptionError.self) { try Corruptions.apply(name: "snow", to: img, severity: 1, rng: &rng) }
        #expect(throws: CorruptionError.severityOutOfRange(0)) {
            try Corruptions.apply(name: "fog", to: img, severity: 0, rng: &rng)
        }
        #expect(throws: CorruptionError.severityOutOfRange(6)) {
            try Corruptions.apply(name: "fog", to: img, severity: 6, rng: &rng)
        }
        do {
            _ = try Corruptions.apply(name: "frost", to: img, severity: 1, rng: &rng)
        } catch {
            #expect("\(error)".contains("gaussian_noise") && "\(error)".contains("spatter"))
        }
    }

    /// Same seed → same output; another seed → another output (for the random corruptions);
    /// shape kept; pixels in [0, 1].
    @Test(arguments: Corruptions.names)
    func deterministicShapedAndInRange(name: String) throws {
        for img in [TestImages.gray[0], TestImages.color[0]] {
            for severity in 1...5 {
                var r1 = RandomGenerator(seed: 42), r2 = RandomGenerator(seed: 42), r3 = RandomGenerator(seed: 43)
                let a = try Corruptions.apply(name: name, to: img, severity: severity, rng: &r1)
                let b = try Corruptions.apply(name: name, to: img, severity: severity, rng: &r2)
                let c = try Corruptions.apply(name: name, to: img, severity: severity, rng: &r3)
                #expect(a == b, "\(name) \(severity): same seed, different output")
                #expect((a.channels, a.height, a.width) == (img.channels, img.height, img.width))
                #expect(a.pixels.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(name) \(severity): out of [0, 1]")
                #expect(a != img, "\(name) \(severity): no change")
                if Corruptions.deterministicNames.contains(name) {
                    #expect(a == c)
                } else {
                    #expect(a != c, "\(name) \(severity): another seed, same output")
                }
            }
        }
    }

    /// The mean absolute difference from the clean image does not decrease with severity
    /// (averaged over a few images; the same seeds at every severity).
    @Test(arguments: Corruptions.names)
    func damageGrowsWithSeverity(name: String) throws {
        for images in [TestImages.gray, TestImages.color] {
            var damage: [Double] = []
            for severity in 1...5 {
                var total = 0.0
                for (k, img) in images.enumerated() {
                    var rng = RandomGenerator(seed: 7 + UInt64(k))
                    total += TestImages.meanAbsDiff(try Corruptions.apply(name: name, to: img, severity: severity, rng: &rng), img)
                }
                damage.append(total / Double(images.count))
            }
            for s in 1..<5 {
                // A relative slack of 1e-4 for motion blur, whose severities 3 and 4 differ only
                // in kernel taps of weight < 1e-9 (as in the reference).
                #expect(damage[s] >= damage[s - 1] * (1 - 1e-4),
                        "\(name) \(images[0].channels)×\(images[0].height): damage \(damage)")
            }
            #expect(damage[4] > damage[0], "\(name): severity 5 no worse than 1: \(damage)")
        }
    }

    @Test func worksOnSmallAndNonSquareImages() throws {
        var rng = RandomGenerator(seed: 5)
        for (c, h, w) in [(1, 5, 7), (3, 12, 9), (1, 1, 1)] {
            let img = Image(pixels: (0..<(c * h * w)).map { Float(($0 * 37) % 101) / 100 }, channels: c, height: h, width: w)
            for name in Corruptions.names {
                let out = try Corruptions.apply(name: name, to: img, severity: 5, rng: &rng)
                #expect((out.channels, out.height, out.width) == (c, h, w))
                #expect(out.pixels.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(name) \(c)×\(h)×\(w)")
            }
        }
    }

    @Test func contrastKeepsTheMeanAndBrightnessAddsOnGray() throws {
        var rng = RandomGenerator(seed: 1)
        let img = TestImages.color[1]
        let out = try Corruptions.apply(name: "contrast", to: img, severity: 2, rng: &rng)
        let n = img.height * img.width
        for c in 0..<3 {
            let m0 = img.pixels[(c * n)..<((c + 1) * n)].reduce(0, +) / Float(n)
            let m1 = out.pixels[(c * n)..<((c + 1) * n)].reduce(0, +) / Float(n)
            #expect(abs(m0 - m1) < 1e-4)
        }
        let g = Image(repeating: 0.5, channels: 1, height: 4, width: 4)
        let b = try Corruptions.apply(name: "brightness", to: g, severity: 5, rng: &rng)
        #expect(b.pixels.allSatisfy { abs($0 - 0.8) < 1e-6 })
        // RGB: hue and saturation kept, so a pixel is scaled by V'/V.
        var rgb = Image(repeating: 0, channels: 3, height: 1, width: 1)
        rgb.pixels = [0.5, 0.25, 0.1]
        let b2 = try Corruptions.apply(name: "brightness", to: rgb, severity: 5, rng: &rng)
        #expect(abs(b2.pixels[0] - 0.8) < 1e-6 && abs(b2.pixels[1] - 0.4) < 1e-6 && abs(b2.pixels[2] - 0.16) < 1e-6)
    }

    @Test func jpegRoundTripIsNearlyLosslessAtHighQualityAndLossyAtLow() {
        let img = TestImages.color[2]
        let hi = JPEG.roundTrip(img, quality: 100), lo = JPEG.roundTrip(img, quality: 10)
        #expect(TestImages.meanAbsDiff(hi, img) < 0.01)
        #expect(TestImages.meanAbsDiff(lo, img) > TestImages.meanAbsDiff(hi, img) * 3)
        let flat = Image(repeating: 0.4, channels: 1, height: 28, width: 28)
        #expect(TestImages.meanAbsDiff(JPEG.roundTrip(flat, quality: 40), flat) < 1.0 / 255)
        #expect(JPEG.scaledTable(JPEG.luminanceTable, quality: 50) == JPEG.luminanceTable.map(Float.init))
    }

    @Test func helpers() {
        #expect(abs(PixelOps.gaussianKernel1D(sigma: 0.8).reduce(0, +) - 1) < 1e-5)
        #expect(abs(Corruptions.diskKernel(radius: 1.5, aliasBlur: 0.1).reduce(0, +) - 1) < 1e-5)
        var rng = RandomGenerator(seed: 3)
        let plasma = PixelOps.plasmaFractal(size: 32, wibbleDecay: 3, rng: &rng)
        #expect(plasma.min() == 0 && plasma.max() == 1)
        for lambda in [3.0, 40.0, 400.0] {
            var sum = 0
            for _ in 0..<2000 { sum += PixelOps.samplePoisson(lambda, &rng) }
            #expect(abs(Double(sum) / 2000 - lambda) < 4 * (lambda / 2000).squareRoot() + 0.05)
        }
        #expect(PixelOps.borderIndex(-1, 5, .reflect) == 0 && PixelOps.borderIndex(-1, 5, .reflect101) == 1)
        #expect(PixelOps.borderIndex(5, 5, .reflect) == 4 && PixelOps.borderIndex(5, 5, .reflect101) == 3)
        #expect(PixelOps.borderIndex(7, 5, .nearest) == 4 && PixelOps.borderIndex(-2, 5, .zero) == -1)
    }
}
