internal import CScalpelZlib
import Foundation
import Testing
@testable import ScalpelData

/// The committed image fixtures and PIL's pixels of them (written by scripts/fixtures/images.py,
/// `python3 scripts/torch_fixtures.py images`).
enum ImageFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/images").path

    static func path(_ name: String) -> String { directory + "/" + name }

    /// PIL's pixels of `name` as integers, with the channel count (1 for an [H, W] array).
    static func pilPixels(_ name: String) throws -> (values: [Int], height: Int, width: Int, channels: Int) {
        let array = try NPY.read(path(name + ".pixels.npy"))
        return (array.integers, array.shape[0], array.shape[1], array.shape.count == 3 ? array.shape[2] : 1)
    }

    /// The decoded samples as integers.
    static func integers(_ image: DecodedImage) -> [Int] {
        switch image.samples {
        case .uint8(let v): v.map(Int.init)
        case .uint16(let v): v.map(Int.init)
        }
    }
}

@Suite struct ImageDecoderTests {
    @Test(arguments: [("gray.png", 1, 8), ("gray1bit.png", 1, 8), ("gray16.png", 1, 16), ("gray_alpha.png", 2, 8),
                      ("rgb.png", 3, 8), ("rgba.png", 4, 8), ("palette.png", 3, 8), ("palette_trns.png", 4, 8),
                      ("rgb16.png", 3, 16), ("rgb_interlaced.png", 3, 8)])
    func pngMatchesPILExactly(name: String, channels: Int, depth: Int) throws {
        let image = try ImageDecoder.decode(contentsOf: ImageFixtures.path(name))
        let pil = try ImageFixtures.pilPixels(name)
        #expect(image.channels == channels && image.bitDepth == depth)
        #expect(image.height == pil.height && image.width == pil.width && image.channels == pil.channels)
        // PIL opens 16-bit RGB in mode RGB with the high byte of each sample.
        let ours = name == "rgb16.png" ? image.bytes.map(Int.init) : ImageFixtures.integers(image)
        #expect(ours == pil.values)
    }

    @Test(arguments: [("baseline.jpg", 3), ("baseline444.jpg", 3), ("progressive.jpg", 3), ("gray.jpg", 1)])
    func jpegMatchesPILWithinOne(name: String, channels: Int) throws {
        let image = try ImageDecoder.decode(contentsOf: ImageFixtures.path(name))
        let pil = try ImageFixtures.pilPixels(name)
        #expect(image.channels == channels && image.height == pil.height && image.width == pil.width)
        let ours = ImageFixtures.integers(image)
        #expect(ours.count == pil.values.count)
        let worst = zip(ours, pil.values).map { abs($0 - $1) }.max() ?? 99
        #expect(worst <= 1, "largest difference \(worst)")
    }

    @Test func cmykJPEGIsRefusedAsUnsupported() {
        let path = ImageFixtures.path("cmyk.jpg")
        #expect { try ImageDecoder.decode(contentsOf: path) } throws: { error in
            (error as? DataError)?.kind == .unsupported && (error as? DataError)?.file == path
        }
    }

    @Test func truncatedFilesAreRefusedNamingTheFile() throws {
        for name in ["rgb.png", "baseline.jpg", "progressive.jpg"] {
            let bytes = try DataFile.readRaw(ImageFixtures.path(name))
            for cut in [bytes.count / 2, bytes.count - 20] {
                let file = "cut-\(cut)-\(name)"
                #expect { try ImageDecoder.decode(Array(bytes.prefix(cut)), file: file) } throws: { error in
                    guard let e = error as? DataError else { return false }
                    return e.file == file && (e.kind == .truncated || e.kind == .badValue)
                }
            }
        }
    }

    @Test func declaredPixelCountAboveTheLimitIsRefusedBeforeDecoding() throws {
        for name in ["rgb.png", "baseline.jpg"] {
            let bytes = try DataFile.readRaw(ImageFixtures.path(name))
            #expect(throws: DataError.self) { try ImageDecoder.decode(bytes, file: name, maxPixels: 9 * 13 - 1) }
            #expect(try ImageDecoder.decode(bytes, file: name, maxPixels: 9 * 13).width == 13)
        }
        // A PNG header declaring 60000 × 60000 pixels with no data: the cap speaks first.
        var png = try DataFile.readRaw(ImageFixtures.path("gray.png"))
        png.replaceSubrange(16..<24, with: [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60])
        let crc = Array(png[12..<29]).withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        png.replaceSubrange(29..<33, with: DataFixtures.be32(Int(crc)))
        #expect { try ImageDecoder.decode(png, file: "bomb.png") } throws: { error in
            (error as? DataError)?.detail.contains("decompression bomb") == true
        }
    }

    @Test func otherBytesAreNotImages() {
        #expect(ImageDecoder.format(of: Array("hello".utf8)) == nil)
        #expect(throws: DataError.self) { try ImageDecoder.decode(Array("hello".utf8), file: "x.png") }
        #expect(throws: DataError.self) { try ImageDecoder.decode([], file: "empty.jpg") }
    }
}
