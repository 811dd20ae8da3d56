import Testing
import ScalpelEngine
@testable import ScalpelData

/// uint8-backed image sets convert to exactly the Float pixels the Float path holds: `b / 255`,
/// then `(x − mean[c]) / std[c]`.
@Suite struct ImageSetBytesTests {
    @Test func everyByteOver255QuantizesBackToItself() {
        for b in 0...255 { #expect(ImageSet.quantized(Float(b) / 255) == UInt8(b)) }
        #expect(ImageSet.quantized(-0.3) == 0 && ImageSet.quantized(1.7) == 255 && ImageSet.quantized(0.5) == 128)
    }

    @Test(arguments: [nil, PixelScale(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]), PixelScale(mean: [0.5], std: [0.3])])
    func uint8BatchesEqualTheFloatPathExactly(scale: PixelScale?) {
        let (n, c, h, w) = (4, 3, 5, 7)
        let bytes = (0..<(n * c * h * w)).map { UInt8(($0 * 37 + 11) % 256) }
        let labels = [0, 1, 1, 0]
        var floats = ImageSet(pixels: bytes.map { Float($0) / 255 }, labels: labels, channels: c, height: h, width: w, classCount: 2)
        var uint8 = ImageSet(bytes: bytes, labels: labels, channels: c, height: h, width: w, classCount: 2)
        if let scale {
            let p = Preprocessing(mean: scale.mean, std: scale.std)
            (floats, uint8) = (p.normalized(floats), p.normalized(uint8))
        }
        #expect(uint8.bytes?.samples == bytes && uint8.bytes?.scale == scale, "normalizing keeps the bytes")
        #expect(uint8.storedByteCount * 4 == floats.storedByteCount)
        for indices in [[2, 0, 3, 2], [1], Array(0..<n)] {
            #expect(uint8.batch(indices).toArray() == floats.batch(indices).toArray())
        }
        #expect(uint8.pixels == floats.pixels)
        #expect(uint8.image(3) == floats.image(3))
        let subset = uint8.subset([3, 1])
        #expect(subset.bytes != nil && subset.labels == [0, 1] && subset.pixels == floats.subset([3, 1]).pixels)
        let joined = ImageSet.concatenating([uint8, subset])
        #expect(joined.bytes != nil && joined.pixels == floats.pixels + floats.subset([3, 1]).pixels)
        // Changing a pixel makes the set Float-backed, every other pixel unchanged.
        var changed = uint8
        changed.pixels[5] = 9
        #expect(changed.bytes == nil && changed.pixels[5] == 9)
        #expect(Array(changed.pixels[6...]) == Array(floats.pixels[6...]) && Array(changed.pixels[..<5]) == Array(floats.pixels[..<5]))
    }

    @Test func normalizingTwiceAppliesBothAsTheFloatPathDoes() {
        let bytes: [UInt8] = [0, 51, 102, 255]
        let p = Preprocessing(mean: [0.25], std: [0.5])
        let floats = p.normalized(p.normalized(ImageSet(pixels: bytes.map { Float($0) / 255 }, labels: [0], channels: 1,
                                                        height: 2, width: 2, classCount: 1)))
        let uint8 = p.normalized(p.normalized(ImageSet(bytes: bytes, labels: [0], channels: 1, height: 2, width: 2, classCount: 1)))
        #expect(uint8.pixels == floats.pixels)
    }

    /// The reader's uint8 samples are the Float path's pixels rounded: exactly `b / 255` without a
    /// resize (the byte path: channels and crop on bytes), within rounding with one.
    @Test(arguments: ["rgb.png", "rgba.png", "gray.png", "gray_alpha.png", "palette_trns.png", "gray16.png", "rgb16.png",
                      "gray1bit.png", "progressive.jpg", "gray.jpg"])
    func readerSamplesAreTheFloatPathRounded(name: String) throws {
        let file = ImageFixtures.path(name)
        let decoded = try ImageDecoder.decode(contentsOf: file)
        for geometry in [Preprocessing(), Preprocessing(channels: 1, crop: [6, 9]), Preprocessing(channels: 3, crop: [8, 8]),
                         Preprocessing(channels: 3, resize: 9, crop: [8, 8]), Preprocessing(resize: 5)] {
            let reference = try geometry.apply(to: decoded, file: file)
            let read = try ImageListReader.preprocessed(file, geometry: geometry, maxPixels: ImageDecoder.defaultMaxPixels)
            #expect(read.channels == reference.channels && read.height == reference.height && read.width == reference.width)
            #expect(read.samples == reference.pixels.map(ImageSet.quantized), "\(name) \(geometry)")
            let is8Bit = if case .uint8 = decoded.samples { true } else { false }
            if geometry.resize == nil && is8Bit {
                #expect(read.samples.map { Float($0) / 255 } == reference.pixels, "\(name) \(geometry): exact")
            }
        }
    }
}
