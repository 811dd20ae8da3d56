internal import CScalpelZlib
import Foundation
import Testing
@testable import ScalpelData

/// Decodes PNGs with an independent minimal decoder: chunk walk, CRC check with zlib's crc32,
/// IDAT re-inflated with zlib's uncompress, filters 0 and 1 undone.
enum MiniPNG {
    struct Decoded { var width: Int; var height: Int; var colorType: UInt8; var pixels: [UInt8] }

    static func decode(_ png: [UInt8]) -> Decoded? {
        guard png.prefix(8) == [137, 80, 78, 71, 13, 10, 26, 10] else { return nil }
        var pos = 8, width = 0, height = 0, colorType: UInt8 = 0, idat = [UInt8]()
        var sawEnd = false
        func be(_ o: Int) -> Int {
            var v = 0
            for k in 0..<4 { v = v << 8 | Int(png[o + k]) }
            return v
        }
        while pos + 12 <= png.count {
            let length = be(pos)
            let type = String(decoding: png[(pos + 4)..<(pos + 8)], as: UTF8.self)
            let body = Array(png[(pos + 8)..<(pos + 8 + length)])
            let crc = Array(png[(pos + 4)..<(pos + 8 + length)]).withUnsafeBufferPointer {
                UInt32(crc32(0, $0.baseAddress, uInt($0.count)))
            }
            guard crc == UInt32(be(pos + 8 + length)) else { return nil }
            switch type {
            case "IHDR": width = be(pos + 8); height = be(pos + 12); colorType = body[9]
                guard body[8] == 8 else { return nil }
            case "IDAT": idat += body
            case "IEND": sawEnd = true
            default: break
            }
            pos += 12 + length
        }
        guard sawEnd else { return nil }
        let channels = colorType == 0 ? 1 : 3
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            idat.withUnsafeBufferPointer { uncompress(out.baseAddress, &rawLength, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { return nil }
        var pixels = [UInt8]()
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            var row = Array(raw[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))])
            switch filter {
            case 0: break
            case 1: for j in channels..<stride { row[j] = row[j] &+ row[j - channels] }
            default: return nil
            }
            pixels += row
        }
        return Decoded(width: width, height: height, colorType: colorType, pixels: pixels)
    }
}

@Suite struct PNGTests {
    @Test func grayAndRGBRoundTrip() throws {
        let gray: [UInt8] = (0..<35).map { (i: Int) -> UInt8 in UInt8((i * 37) % 256) }
        let g = try #require(MiniPNG.decode(PNGEncoder.encode(width: 7, height: 5, channels: 1, pixels: gray)))
        #expect(g.width == 7 && g.height == 5 && g.colorType == 0 && g.pixels == gray)
        let rgb: [UInt8] = (0..<36).map { (i: Int) -> UInt8 in UInt8((i * 91 + 3) % 256) }
        let c = try #require(MiniPNG.decode(PNGEncoder.encode(width: 4, height: 3, channels: 3, pixels: rgb)))
        #expect(c.width == 4 && c.height == 3 && c.colorType == 2 && c.pixels == rgb)
        var img = Image(repeating: 0.5, channels: 1, height: 2, width: 3)
        img[0, 1, 2] = 1
        let s = try #require(MiniPNG.decode(PNGEncoder.encode(img, scale: 2)))
        #expect(s.width == 6 && s.height == 4 && s.pixels[3 * 6 + 5] == 255 && s.pixels[0] == 128)
    }

    @Test func previewGridLayout() throws {
        let source = DataFixtures.tinySet(classes: 3, perClass: 4, side: 5)
        var target = DataFixtures.tinySet(classes: 3, perClass: 4, side: 5)
        for i in target.pixels.indices { target.pixels[i] = 1 }
        let png = DataPreview.previewGrid(source: source, target: target, columns: 3, rows: 2, scale: 2, gap: 1)
        let d = try #require(MiniPNG.decode(png))
        // 3 columns of 10 px + 4 gaps; 4 rows of 10 px + gaps 1,1,(3),1,1.
        #expect(d.width == 34 && d.height == 4 * 10 + 2 * 1 + 2 * 1 + 3)
        #expect(d.pixels[0] == 128)  // gap colour
        #expect(d.pixels[(d.height - 2) * d.width + 1] == 255)  // a target cell
        let dir = DataFixtures.tempDir()
        try DataFile.writeAtomically(png, to: dir + "/grid.png")
        #expect(FileManager.default.fileExists(atPath: dir + "/grid.png"))
    }
}
