internal import CScalpelZlib
import Foundation
import ScalpelEngine
@testable import ScalpelData

/// Helpers for the reader, shift and PNG tests: temporary files, gzip through zlib's own gz API
/// (independent of the library's gzip code), and Fashion-MNIST loaded once per test process.
enum DataFixtures {
    /// A fresh temporary directory.
    static func tempDir() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-data-tests-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], _ path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    /// Writes `bytes` gzip-compressed with zlib's gzopen/gzwrite.
    static func writeGzip(_ bytes: [UInt8], _ path: String) {
        let file = gzopen(path, "wb")!
        bytes.withUnsafeBytes { _ = gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        gzclose(file)
    }

    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    /// IDX bytes of unsigned bytes with `shape`.
    static func idx(shape: [Int], values: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(shape.count)] + shape.flatMap(be32) + values
    }

    /// A `.npy` file (version `major`) with the given header fields and raw data.
    static func npy(descr: String, shape: [Int], fortran: Bool = false, major: UInt8 = 1, data: [UInt8]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
        let prefix = major == 1 ? 10 : 12
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let n = header.utf8.count
        let lengthBytes: [UInt8] = major == 1 ? [UInt8(n & 0xff), UInt8(n >> 8)]
            : [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)]
        return [0x93] + Array("NUMPY".utf8) + [major, 0] + lengthBytes + Array(header.utf8) + data
    }

    static func int64LE(_ values: [Int]) -> [UInt8] {
        values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: Int64(v) >> (8 * $0)) } }
    }

    /// Fashion-MNIST train and test, loaded once from the data store (`make test` runs `scalpel data fetch` first).
    static let fashion: (train: ImageSet, test: ImageSet) = {
        let store = DataStore()
        do { return (try store.loadFashionMNIST(train: true), try store.loadFashionMNIST(train: false)) } catch {
            fatalError("Fashion-MNIST could not be loaded: \(error)")
        }
    }()

    /// A small labeled set: `perClass` images of each of `classes` classes, image i filled with i/count.
    static func tinySet(classes: Int, perClass: Int, side: Int = 4, groups: Bool = false) -> ImageSet {
        let n = classes * perClass
        var pixels = [Float]()
        for i in 0..<n { pixels += [Float](repeating: Float(i) / Float(n), count: side * side) }
        let labels = (0..<n).map { $0 % classes }
        return ImageSet(pixels: pixels, labels: labels, groups: groups ? (0..<n).map { ($0 / classes) % 4 } : nil,
                        channels: 1, height: side, width: side, classCount: classes)
    }
}
