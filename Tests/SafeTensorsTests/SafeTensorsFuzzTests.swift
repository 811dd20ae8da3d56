import Foundation
import ScalpelEngine
import Testing
import SafeTensors

/// Every fuzz case is reproducible from its index: the engine's seeded generator.
typealias FuzzRandom = RandomGenerator

/// 240 generated malformations of a valid file (truncations, flipped bytes, edited header
/// numbers, appended bytes, wrong header lengths): each is read without a crash, and either reads
/// or is refused with a `SafeTensorsError` naming the file (and the tensor, for an entry's fault).
@Suite struct SafeTensorsFuzzTests {
    static let header = #"{"__metadata__":{"scalpel.width":"1"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"I64","shape":[1],"data_offsets":[16,24]},"c":{"dtype":"F16","shape":[3],"data_offsets":[24,30]}}"#
    static let valid: [UInt8] = fileBytes(header: header, data: le(floats: 1, 2, 3, 4) + le(Int64(7)) + [0, 60, 0, 64, 0, 66])

    static func mutate(_ seed: Int) -> [UInt8] {
        var rng = FuzzRandom(seed: UInt64(seed))
        var bytes = valid
        switch seed % 6 {
        case 0:  // truncation
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        case 1:  // flipped bytes anywhere
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
        case 2:  // one number of the header replaced by a hostile one
            let hostile = ["-1", "0", "99999999999999999999", "9223372036854775807", "1e3", "2.5", "null", "\"8\"", "[]", "30"]
            var text = header
            let digits = text.indices.filter { text[$0].isNumber }
            let at = digits[Int.random(in: 0..<digits.count, using: &rng)]
            text.replaceSubrange(at...at, with: hostile[Int.random(in: 0..<hostile.count, using: &rng)])
            bytes = fileBytes(header: text, data: Array(valid.suffix(30)))
        case 3:  // bytes appended
            bytes += (0..<Int.random(in: 1...9, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 4:  // a wrong header length
            let length = [UInt64.max, UInt64(Int64.max), 0, 1, UInt64(header.utf8.count) + 1, UInt64(header.utf8.count) - 1,
                          UInt64.random(in: 0...UInt64(bytes.count * 2), using: &rng)][seed % 7]
            bytes = fileBytes(header: header, data: Array(valid.suffix(30)), declaredLength: length)
        default:  // a structural edit of the header
            let edits = [("\"a\"", "\"b\""), ("F32", "F64"), ("[2,2]", "[2,2,2]"), ("[0,16]", "[0,15]"), ("{", "["),
                         ("\"dtype\"", "\"dtypo\""), (",\"c\"", ",\"__metadata__\""), ("[24,30]", "[24,30,36]"),
                         ("\"1\"", "1"), ("I64", "BOOL")]
            let (from, to) = edits[(seed / 6) % edits.count]
            bytes = fileBytes(header: header.replacingOccurrences(of: from, with: to), data: Array(valid.suffix(30)))
        }
        return bytes
    }

    @Test(arguments: 0..<240)
    func malformedFileIsReadOrRefusedByName(_ seed: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("fuzz-\(seed).safetensors")
        try writeBytes(Self.mutate(seed), to: path)
        do {
            let file = try SafeTensorsFile(contentsOf: path)
            for name in file.names {
                do { _ = try file.floats(name) } catch let error as SafeTensorsError {
                    #expect(error.description.contains(path) && error.tensor == name, "\(error)")
                }
            }
        } catch let error as SafeTensorsError {
            #expect(error.path == path)
            #expect(error.description.contains(path), "\(error)")
        }
    }

    /// The unmutated file reads, so the cases above start from a valid file.
    @Test func theBaseFileIsValid() throws {
        let file = try SafeTensorsFile(data: Data(Self.valid))
        #expect(try file.floats("a") == [1, 2, 3, 4] && file.metadata["scalpel.width"] == "1")
    }
}
