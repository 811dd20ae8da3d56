import Foundation
import Testing
import SafeTensors

/// The format's rules that a lenient reader would let through: no key twice in one object, and a
/// data section covered exactly by the tensors (no hole between them, nothing after the last).
@Suite struct StrictLayoutTests {
    static let f32 = #"{"dtype":"F32","shape":[1],"data_offsets":"#

    static let cases: [MalformedCase] = [
        MalformedCase(label: "duplicate tensor key",
                      bytes: fileBytes(header: "{\"w\":\(f32)[0,4]},\"w\":\(f32)[4,8]}}", data: le(floats: 1, 2)),
                      tensor: nil, mentions: ["key \"w\" twice"]),
        MalformedCase(label: "duplicate key spelled with an escape",
                      bytes: fileBytes(header: "{\"w\":\(f32)[0,4]},\"\\u0077\":\(f32)[4,8]}}", data: le(floats: 1, 2)),
                      tensor: nil, mentions: ["key \"w\" twice"]),
        MalformedCase(label: "duplicate field inside an entry",
                      bytes: fileBytes(header: #"{"w":{"dtype":"F32","dtype":"I32","shape":[1],"data_offsets":[0,4]}}"#,
                                       data: le(floats: 1)),
                      tensor: nil, mentions: ["key \"dtype\" twice"]),
        MalformedCase(label: "duplicate metadata key",
                      bytes: fileBytes(header: "{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"},\"w\":\(f32)[0,4]}}",
                                       data: le(floats: 1)),
                      tensor: nil, mentions: ["key \"a\" twice"]),
        MalformedCase(label: "hole between tensors",
                      bytes: fileBytes(header: "{\"a\":\(f32)[0,4]},\"b\":\(f32)[8,12]}}", data: le(floats: 1, 0, 2)),
                      tensor: "b", mentions: ["bytes [4, 8)", "holes"]),
        MalformedCase(label: "hole before the first tensor",
                      bytes: fileBytes(header: "{\"a\":\(f32)[4,8]}}", data: le(floats: 0, 1)),
                      tensor: "a", mentions: ["bytes [0, 4)", "holes"]),
        MalformedCase(label: "trailing bytes",
                      bytes: fileBytes(header: "{\"a\":\(f32)[0,4]}}", data: le(floats: 1, 2)),
                      tensor: nil, mentions: ["bytes [4, 8)", "trailing"]),
        MalformedCase(label: "data but no tensor",
                      bytes: fileBytes(header: "{}", data: [1, 2, 3]),
                      tensor: nil, mentions: ["bytes [0, 3)", "trailing"]),
    ]

    @Test(arguments: cases)
    func lenientLayoutIsRefused(_ c: MalformedCase) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("strict.safetensors")
        try writeBytes(c.bytes, to: path)
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: path) }
        guard let error else { return }
        #expect(error.tensor == c.tensor)
        let text = error.description
        #expect(text.contains(path), "\(text)")
        for m in c.mentions { #expect(text.contains(m), "\(text) should mention \(m)") }
    }

    @Test func sameKeyInDifferentObjectsIsAllowed() throws {
        let header = #"{"__metadata__":{"dtype":"x"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let file = try SafeTensorsFile(data: Data(fileBytes(header: header, data: le(floats: 1, 2))))
        #expect(try file.floats("b") == [2])
        #expect(file.metadata["dtype"] == "x")
    }

    @Test func keyInsideAStringValueIsNotAKey() throws {
        let header = #"{"__metadata__":{"note":"\"a\": 1, \"note\": 2"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let file = try SafeTensorsFile(data: Data(fileBytes(header: header, data: le(floats: 1))))
        #expect(try file.floats("a") == [1])
    }
}
