import Foundation
import ScalpelEngine
import Testing
@testable import ScalpelData

/// Every fuzz case is reproducible from its index: the engine's seeded generator.
typealias FuzzRandom = RandomGenerator

/// Generated hostile data files: IDX (raw and gzip, with random dimensions, truncations and a
/// decompression bomb), NPY (random header dicts and data sizes) and CSV (random tokens). None
/// crashes, hangs or allocates without bound; every refusal is a `DataError` naming the file.
@Suite struct DataFuzzTests {
    static let directory = DataFixtures.tempDir()

    /// Runs `body`; a refusal must be a `DataError` naming `file`.
    func readOrRefuse(_ file: String, _ body: () throws -> Void) {
        do { try body() } catch let error as DataError {
            #expect(error.file == file && error.description.contains(file), "\(error)")
        } catch {
            Issue.record("\(file): \(type(of: error)): \(error)")
        }
    }

    @Test(arguments: 0..<120)
    func hostileIDXIsReadOrRefused(_ seed: Int) throws {
        var rng = FuzzRandom(seed: UInt64(seed) &+ 77)
        let n = Int.random(in: 0...3, using: &rng)
        let dims = [n, [0, 1, 14, 28, 56, 65_536].randomElement(using: &rng)!, [0, 1, 28].randomElement(using: &rng)!]
        var bytes = DataFixtures.idx(shape: dims, values: [])
        let count = dims.reduce(1, *)
        bytes += (0..<min(count, 4096)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        switch seed % 4 {
        case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
        case 1: bytes[Int.random(in: 0..<min(bytes.count, 16), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        case 2: bytes += [UInt8(seed)]
        default: break
        }
        let gz = seed % 2 == 0
        let images = Self.directory + "/images-\(seed)" + (gz ? ".gz" : "")
        let labels = Self.directory + "/labels-\(seed)"
        if gz { DataFixtures.writeGzip(bytes, images) } else { DataFixtures.write(bytes, images) }
        DataFixtures.write(DataFixtures.idx(shape: [n], values: (0..<n).map { _ in UInt8.random(in: 0...12, using: &rng) }), labels)
        do {
            let set = try IDX.loadImageSet(images: images, labels: labels, geometry: seed % 3 == 0 ? (28, 28) : nil)
            #expect(set.count > 0 && set.height > 0 && set.width > 0 && set.labels.allSatisfy { (0..<10).contains($0) })
        } catch let error as DataError {
            #expect([images, labels].contains(error.file) && error.description.contains(error.file), "\(error)")
        }
    }

    /// 64 MB of zeros compress to 64 KB; a cap of 1 MB stops the inflation early.
    @Test func decompressionBombIsStoppedAtTheCap() throws {
        let bomb = DataFile.gzip([UInt8](repeating: 0, count: 64 << 20), level: 9)
        let error = #expect(throws: DataError.self) { try DataFile.gunzip(bomb, file: "bomb.gz", limit: 1 << 20) }
        #expect(error?.description.contains("bomb.gz") == true && error?.description.contains("decompression limit") == true)
        #expect(try DataFile.gunzip(DataFile.gzip([1, 2, 3]), file: "ok.gz", limit: 3) == [1, 2, 3])
    }

    @Test(arguments: 0..<120)
    func hostileNPYIsReadOrRefused(_ seed: Int) throws {
        var rng = FuzzRandom(seed: UInt64(seed) &+ 991)
        let descrs = ["'|u1'", "'<i8'", "'<f4'", "'>f4'", "'<f8'", "1", "'|u1', 'descr': '<f4'", "\"'shape': (9,)\""]
        let orders = ["False", "True", "0", "'False'", "None"]
        let shapes = ["(3,)", "(2, 2)", "()", "(0,)", "(-1,)", "(99999999999, 99999999999)", "[3]", "(3", "(2L, 1)", "(0x3,)"]
        var parts = ["'descr': \(descrs.randomElement(using: &rng)!)", "'fortran_order': \(orders.randomElement(using: &rng)!)",
                     "'shape': \(shapes.randomElement(using: &rng)!)"]
        if seed % 5 == 0 { parts.append("'extra': 1") }
        if seed % 7 == 0 { parts.removeLast() }
        parts.shuffle(using: &rng)
        var dict = "{" + parts.joined(separator: ", ") + ", }"
        if seed % 11 == 0 { dict = String(dict.dropLast(Int.random(in: 1...5, using: &rng))) }
        var header = Array(dict.utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        let data = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)] + header + data
        let file = Self.directory + "/fuzz-\(seed).npy"
        DataFixtures.write(bytes, file)
        readOrRefuse(file) {
            let array = try NPY.read(file)
            _ = try? array.labels(classes: 10, file: file)
            #expect(array.shape.reduce(1, *) == { switch array.values {
                case .uint8(let v): v.count
                case .int64(let v): v.count
                case .float32(let v): v.count
            } }())
        }
    }

    @Test(arguments: 0..<120)
    func hostileCSVIsReadOrRefused(_ seed: Int) throws {
        var rng = FuzzRandom(seed: UInt64(seed) &+ 4242)
        let tokens = ["0", "16", "3", "0x10", "nan", "inf", "-1", "17", "1e1", "2.5", "", " 4 ", "+5", "1e400", "--1", "a"]
        let format = CSVImages.Format.uciDigits
        var lines: [String] = []
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let columns = Int.random(in: 63...66, using: &rng)
            lines.append((0..<columns).map { _ in
                Int.random(in: 0..<4, using: &rng) == 0 ? tokens.randomElement(using: &rng)! : "\(Int.random(in: 0...16, using: &rng))"
            }.joined(separator: ","))
        }
        let file = Self.directory + "/fuzz-\(seed).csv"
        DataFixtures.write(Array(lines.joined(separator: seed % 2 == 0 ? "\n" : "\r\n").utf8), file)
        readOrRefuse(file) {
            let set = try CSVImages.read(file, format: format)
            #expect(set.labels.allSatisfy { (0..<10).contains($0) })
        }
    }
}
