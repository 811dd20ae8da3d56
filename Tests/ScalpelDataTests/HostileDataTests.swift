import Foundation
import Testing
@testable import ScalpelData

/// Files that parse but would be misread by a lenient reader: NPY headers with decoy or extra
/// keys, labels that are not integers in range, a data set file behind a symbolic link.
@Suite struct HostileDataTests {
    static func header(_ dict: String) -> [UInt8] {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        var text = Array(dict.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return magic + [UInt8(text.count & 0xff), UInt8(text.count >> 8)] + text
    }

    @Test(arguments: [
        // A decoy 'shape' inside the descr string used to be taken as the shape.
        ("{'descr': \"'shape': (1,)\", 'fortran_order': False, 'shape': (2,), }", "dtype"),
        ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", "unexpected key 'extra'"),
        ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), 'shape': (1,), }", "'shape' appears twice"),
        ("{'descr': '|u1', 'fortran_order': 'False', 'shape': (2,), }", "wrong type"),
        ("{'descr': '|u1', 'fortran_order': False, 'shape': (2, -1), }", "integer ≥ 0"),
        ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), } trailing", "after the dict"),
        ("{'descr': '|u1', 'fortran_order': False, 'shape': (0x2,), }", "not a Python literal"),
        ("{'note': \"'descr': '|u1', 'fortran_order': False, 'shape': (2,)\"}", "unexpected key 'note'"),
        (String(repeating: "(", count: 40), "nested deeper"),
    ])
    func npyHeaderIsParsedAsALiteral(_ dict: String, _ mention: String) throws {
        let file = "decoy.npy"
        let error = #expect(throws: DataError.self) { try NPY.parse(Self.header(dict) + [1, 2], file: file) }
        #expect(error?.description.contains(file) == true)
        #expect(error?.description.contains(mention) == true, "\(error?.description ?? "") should mention \(mention)")
    }

    @Test func wellFormedHeaderStillReads() throws {
        let array = try NPY.parse(Self.header("{\"descr\": '|u1', 'fortran_order': False, 'shape': (2L, 1,), }") + [7, 9],
                                  file: "ok.npy")
        #expect(array.shape == [2, 1])
        #expect(array.integers == [7, 9])
    }

    @Test(arguments: [Float(2.7), .nan, .infinity, -.infinity, 1e20, -1, 10])
    func floatLabelThatIsNotAClassIsRefused(_ label: Float) throws {
        let error = #expect(throws: DataError.self) {
            try ClassLabels.checked([1, label], classes: 10, file: "labels.bin")
        }
        #expect(error?.description.contains("labels.bin") == true)
        #expect(error?.description.contains("label 1 is") == true)
    }

    @Test func integerLabelsOutOfRangeAreRefused() throws {
        #expect(try ClassLabels.checked([Float(0), 9], classes: 10, file: "f") == [0, 9])
        #expect(try ClassLabels.checked([Int64(3)], classes: 10, file: "f") == [3])
        for bad in [Int64.max, Int64.min, 10, -1] {
            #expect(throws: DataError.self) { try ClassLabels.checked([0, bad], classes: 10, file: "f") }
        }
    }

    /// CIFAR-10-C installed as symbolic links (as a shared data directory often is): the size of
    /// the target, not of the link, is compared with the header.
    @Test func cifar10CBehindSymlinksReadsTheTarget() throws {
        let real = DataFixtures.tempDir(), linked = DataFixtures.tempDir()
        let n = 5
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [n, 32, 32, 3], data: [UInt8](repeating: 9, count: n * 3072)),
                           real + "/fog.npy")
        DataFixtures.write(DataFixtures.npy(descr: "<i8", shape: [n], data: DataFixtures.int64LE([0, 1, 2, 3, 4])),
                           real + "/labels.npy")
        for name in ["fog.npy", "labels.npy"] {
            try FileManager.default.createSymbolicLink(atPath: linked + "/" + name, withDestinationPath: real + "/" + name)
        }
        let set = try CIFAR10C.load(directory: linked, corruption: "fog", severity: 3)
        #expect(set.labels == [2])
        #expect(set.image(0)[0, 0, 0] == Float(9) / 255)
    }

    @Test func cifar10CFloatLabelsMustBeIntegers() throws {
        let dir = DataFixtures.tempDir()
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [5, 32, 32, 3], data: [UInt8](repeating: 0, count: 5 * 3072)),
                           dir + "/fog.npy")
        let floats: [Float] = [0, 1, 2.7, 3, 4]
        DataFixtures.write(DataFixtures.npy(descr: "<f4", shape: [5], data: floats.flatMap { v in
            (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }), dir + "/labels.npy")
        let error = #expect(throws: DataError.self) { try CIFAR10C.load(directory: dir, corruption: "fog", severity: 3) }
        #expect(error?.description.contains("2.7") == true)
    }
}
