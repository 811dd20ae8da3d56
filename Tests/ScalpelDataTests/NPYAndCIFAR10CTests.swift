import Foundation
import Testing
@testable import ScalpelData

@Suite struct NPYReaderTests {
    let dir = DataFixtures.tempDir()

    @Test func readsDTypesAndVersions() throws {
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [2, 3], data: [1, 2, 3, 4, 5, 6]), dir + "/u.npy")
        let u = try NPY.read(dir + "/u.npy")
        #expect(u.shape == [2, 3] && u.integers == [1, 2, 3, 4, 5, 6])
        DataFixtures.write(DataFixtures.npy(descr: "<i8", shape: [3], major: 2, data: DataFixtures.int64LE([7, -1, 300])),
                           dir + "/i.npy")
        let i = try NPY.read(dir + "/i.npy")
        #expect(i.shape == [3] && i.integers == [7, -1, 300])
        let floats: [Float] = [0.5, -2, 3.25]
        let fbytes = floats.flatMap { f in (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * UInt32($0))) } }
        DataFixtures.write(DataFixtures.npy(descr: "<f4", shape: [3], data: fbytes), dir + "/f.npy")
        guard case .float32(let v) = try NPY.read(dir + "/f.npy").values else { Issue.record("not float32"); return }
        #expect(v == floats)
        let rows = try NPY.read(dir + "/u.npy", rows: 1..<2)
        #expect(rows.shape == [1, 3] && rows.integers == [4, 5, 6])
    }

    @Test func refusesBadFiles() throws {
        let cases: [([UInt8], DataError.Kind, String)] = [
            (DataFixtures.npy(descr: "|u1", shape: [2, 3], fortran: true, data: [UInt8](repeating: 0, count: 6)), .unsupported, "fortran_order"),
            (DataFixtures.npy(descr: "<f8", shape: [1], data: [UInt8](repeating: 0, count: 8)), .unsupported, "<f8"),
            (DataFixtures.npy(descr: "|u1", shape: [2, 3], data: [1, 2, 3]), .truncated, "needs"),
            (DataFixtures.npy(descr: "|u1", shape: [2], data: [1, 2, 3]), .sizeMismatch, "needs"),
            (Array("PK\u{3}\u{4}not numpy at all".utf8), .wrongMagic, "NUMPY"),
            (DataFixtures.npy(descr: "<i8", shape: [1 << 40, 1 << 30], data: []), .badValue, "impossibly large"),
            (Array(DataFixtures.npy(descr: "|u1", shape: [1], data: [1]).prefix(30)), .truncated, "header"),
        ]
        for (k, (bytes, kind, text)) in cases.enumerated() {
            let path = dir + "/bad\(k).npy"
            DataFixtures.write(bytes, path)
            let e = #expect(throws: DataError.self) { try NPY.read(path) }
            #expect(e?.kind == kind, "case \(k): \(String(describing: e))")
            #expect(e?.description.contains(path) == true && e?.description.contains(text) == true, "case \(k)")
        }
    }
}

@Suite struct CIFAR10CTests {
    /// A CIFAR-10-C layout with 4 images per severity: [20, 32, 32, 3] uint8 HWC and 20 labels.
    @Test func loadsSeverityBlocksAsCHW() throws {
        let dir = DataFixtures.tempDir()
        let n = 20, block = 4
        var data = [UInt8]()
        for i in 0..<n {
            for p in 0..<1024 { for c in 0..<3 { data.append(UInt8((i * 10 + c * 3 + p % 2) % 256)) } }
        }
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [n, 32, 32, 3], data: data), dir + "/fog.npy")
        let labels = (0..<n).map { $0 % block + 2 }
        DataFixtures.write(DataFixtures.npy(descr: "<i8", shape: [n], data: DataFixtures.int64LE(labels)), dir + "/labels.npy")
        for severity in 1...5 {
            let set = try CIFAR10C.load(directory: dir, corruption: "fog", severity: severity)
            #expect(set.count == block && set.channels == 3 && set.height == 32 && set.width == 32)
            #expect(set.labels == [2, 3, 4, 5])
            let first = (severity - 1) * block  // image index in the file
            let img = set.image(1)
            #expect(img[0, 0, 0] == Float(((first + 1) * 10) % 256) / 255)
            #expect(img[2, 0, 1] == Float(((first + 1) * 10 + 7) % 256) / 255)
        }
        #expect(throws: DataError.self) { try CIFAR10C.load(directory: dir, corruption: "fog", severity: 6) }
        // Truncated: the image file loses its last bytes.
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [n, 32, 32, 3], data: Array(data.dropLast(100))),
                           dir + "/snow.npy")
        let e = #expect(throws: DataError.self) { try CIFAR10C.load(directory: dir, corruption: "snow", severity: 5) }
        #expect(e?.kind == .truncated && e?.description.contains("snow.npy") == true)
        // Labels that disagree in count.
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [n - 5, 32, 32, 3], data: Array(data.prefix(15 * 3072))),
                           dir + "/frost.npy")
        let e2 = #expect(throws: DataError.self) { try CIFAR10C.load(directory: dir, corruption: "frost", severity: 1) }
        #expect(e2?.kind == .sizeMismatch && e2?.description.contains("labels.npy") == true)
    }
}

@Suite struct CIFAR10CShiftTests {
    /// A whole `cifar10-c:<dir>:…` shift on tiny files: 5 images per class in each CIFAR-10 batch
    /// and in each severity block, and an RGB preview.
    @Test func specMaterializesFromADirectory() throws {
        let dir = DataFixtures.tempDir()
        let batches = dir + "/cifar-10-batches-bin"
        try FileManager.default.createDirectory(atPath: batches, withIntermediateDirectories: true)
        var batch = [UInt8]()
        for i in 0..<50 { batch.append(UInt8(i % 10)); batch += [UInt8](repeating: UInt8(i), count: 3072) }
        for name in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin"] { DataFixtures.write(batch, batches + "/" + name) }
        let images = (0..<250).flatMap { i in [UInt8](repeating: UInt8(i), count: 3072) }
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [250, 32, 32, 3], data: images), dir + "/frost.npy")
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [250], data: (0..<250).map { UInt8($0 % 10) }), dir + "/labels.npy")
        let spec = try ShiftSpec(parsing: "cifar10-c:\(dir):frost:2")
        let data = try spec.materialize(ShiftOptions(seed: 4, splitSizes: SplitSizes(tune: 1, validation: 1)))
        #expect(data.source.train.count == 250 && data.source.test.count == 50 && data.source.train.channels == 3)
        #expect(data.target.tune.labelCounts() == [Int](repeating: 1, count: 10))
        #expect(data.target.test.count == 30)
        // Severity 2 = file images 50..<100, each filled with its index.
        let values = Set((0..<data.target.test.count).map { Int((data.target.test.image($0).pixels[0] * 255).rounded()) })
        #expect(values.allSatisfy { (50..<100).contains($0) })
        let png = dir + "/preview.png"
        try DataPreview.write(shift: data, to: png, rows: 1, scale: 1)
        let decoded = try #require(MiniPNG.decode(try DataFile.readRaw(png)))
        // The grid (10 columns of 32 px and 11 gaps) right of the "SOURCE"/"TARGET" margin.
        #expect(decoded.colorType == 2 && decoded.width == BitmapFont.width(of: "SOURCE") + 6 + 10 * 32 + 11 * 2)
        // The top margin names the classes: the first column's "airplane" in ink (0) on paper (255).
        #expect(decoded.pixels.contains(0) && decoded.pixels.contains(255))
        // Without the CIFAR-10 batches the source cannot be built: a clear error.
        try FileManager.default.removeItem(atPath: batches)
        let e = #expect(throws: DataError.self) { try spec.materialize() }
        #expect(e?.description.contains("cifar-10-batches-bin") == true)
    }
}

@Suite struct ReaderRobustnessTests {
    /// Every prefix of valid small files, and copies with one byte flipped, either parse or throw
    /// a `DataError` — never trap.
    @Test func prefixesAndBitFlipsNeverTrap() throws {
        let idx = DataFixtures.idx(shape: [2, 3, 3], values: [UInt8](repeating: 7, count: 18))
        let npy = DataFixtures.npy(descr: "<i8", shape: [2, 2], data: DataFixtures.int64LE([1, 2, 3, 4]))
        let csv = Array("1,2,3,4,5\n6,7,8,9,1\n".utf8)
        let gz = DataFile.gzip(idx)
        let format = CSVImages.Format(labelColumn: .last, height: 2, width: 2, pixelMax: 16, header: false)
        let parsers: [([UInt8], ([UInt8]) throws -> Void)] = [
            (idx, { _ = try IDX.parse($0, file: "f") }),
            (npy, { _ = try NPY.parse($0, file: "f") }),
            (csv, { _ = try CSVImages.parse($0, format: format, file: "f") }),
            (gz, { _ = try IDX.parse(try DataFile.gunzip($0, file: "f"), file: "f") }),
        ]
        for (bytes, parse) in parsers {
            var variants = (0..<bytes.count).map { Array(bytes.prefix($0)) }
            for i in 0..<bytes.count { var b = bytes; b[i] ^= 0x5A; variants.append(b) }
            for v in variants {
                do { try parse(v) } catch is DataError {} catch { Issue.record("unexpected error \(error)") }
            }
        }
    }
}
