import Foundation
import Testing
import SafeTensors

/// A malformed file and what its error must say.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    /// The tensor the error must name, if any.
    let tensor: String?
    /// Substrings the description must contain.
    let mentions: [String]

    var testDescription: String { label }

    init(_ label: String, _ bytes: [UInt8], tensor: String? = nil, _ mentions: String...) {
        self.init(label: label, bytes: bytes, tensor: tensor, mentions: mentions)
    }

    init(label: String, bytes: [UInt8], tensor: String?, mentions: [String]) {
        self.label = label
        self.bytes = bytes
        self.tensor = tensor
        self.mentions = mentions
    }

    /// A file whose header holds one entry `w` with the given JSON, and 8 zero bytes of data.
    static func entry(_ label: String, _ json: String, _ mentions: String...) -> MalformedCase {
        MalformedCase(label: label, bytes: fileBytes(header: "{\"w\":\(json)}", data: Array(repeating: 0, count: 8)),
                      tensor: "w", mentions: mentions)
    }
}

@Suite struct MalformedFileTests {
    static let cases: [MalformedCase] = [
        MalformedCase("empty file", [], "file too short", "0 bytes"),
        MalformedCase("shorter than 8 bytes", [1, 0, 0], "file too short", "3 bytes"),
        MalformedCase("header length past the end", fileBytes(header: "{}", declaredLength: 1000),
                      "header length 1000", "past the end of the file", "10 bytes"),
        MalformedCase("huge header length", fileBytes(header: "{}", declaredLength: .max),
                      "header length \(UInt64.max)", "past the end"),
        MalformedCase("header not UTF-8", fileBytes(header: [0x7B, 0xFF, 0xFE, 0x7D]), "not valid UTF-8"),
        MalformedCase("header not JSON", fileBytes(header: "{\"a\": [1, 2"), "not valid JSON"),
        MalformedCase("empty header", fileBytes(header: ""), "not valid JSON"),
        MalformedCase("header an array", fileBytes(header: "[1, 2]"), "not a JSON object"),
        MalformedCase("header a string", fileBytes(header: "\"hello\""), "not a JSON object"),
        MalformedCase("metadata not an object", fileBytes(header: "{\"__metadata__\": [1]}"),
                      "invalid __metadata__", "an array"),
        MalformedCase("metadata value not a string", fileBytes(header: "{\"__metadata__\": {\"epoch\": 3}}"),
                      "invalid __metadata__", "\"epoch\"", "expected a string"),
        .entry("entry not an object", "\"F32\"", "the entry is a string", "expected an object"),
        .entry("missing dtype", #"{"shape":[2],"data_offsets":[0,8]}"#, "missing \"dtype\""),
        .entry("missing shape", #"{"dtype":"F32","data_offsets":[0,8]}"#, "missing \"shape\""),
        .entry("missing data_offsets", #"{"dtype":"F32","shape":[2]}"#, "missing \"data_offsets\""),
        .entry("dtype a number", #"{"dtype":32,"shape":[2],"data_offsets":[0,8]}"#,
               "\"dtype\" is an integer", "expected a string"),
        .entry("shape a string", #"{"dtype":"F32","shape":"2","data_offsets":[0,8]}"#,
               "\"shape\" is a string", "expected an array of integers"),
        .entry("shape with a fraction", #"{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}"#,
               "\"shape\" is an array containing a non-integer"),
        .entry("shape with a boolean", #"{"dtype":"F32","shape":[true],"data_offsets":[0,8]}"#,
               "\"shape\" is an array containing a boolean"),
        .entry("data_offsets an object", #"{"dtype":"F32","shape":[2],"data_offsets":{"a":0}}"#,
               "\"data_offsets\" is an object", "expected an array of two integers"),
        .entry("data_offsets of three", #"{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}"#,
               "\"data_offsets\" is an array of 3 integers"),
        .entry("data_offsets with null", #"{"dtype":"F32","shape":[2],"data_offsets":[0,null]}"#,
               "\"data_offsets\" is an array containing null"),
        .entry("unknown dtype", #"{"dtype":"F7","shape":[2],"data_offsets":[0,8]}"#,
               "unknown dtype \"F7\"", "F32"),
        .entry("lowercase dtype", #"{"dtype":"f32","shape":[2],"data_offsets":[0,8]}"#, "unknown dtype \"f32\""),
        .entry("negative dimension", #"{"dtype":"F32","shape":[-1,2],"data_offsets":[0,8]}"#,
               "negative dimension", "[-1, 2]"),
        .entry("shape overflows", #"{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}"#,
               "too many elements"),
        .entry("end past the data section", #"{"dtype":"F32","shape":[25],"data_offsets":[0,100]}"#,
               "data_offsets [0, 100]", "outside the data section (8 bytes)"),
        .entry("begin past the data section", #"{"dtype":"F32","shape":[0],"data_offsets":[9,9]}"#,
               "data_offsets [9, 9]", "outside the data section"),
        .entry("negative offset", #"{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}"#,
               "data_offsets [-8, 0]", "outside the data section"),
        .entry("begin after end", #"{"dtype":"F32","shape":[1],"data_offsets":[8,4]}"#,
               "data_offsets [8, 4]", "begin > end"),
        .entry("byte count mismatch", #"{"dtype":"F32","shape":[3],"data_offsets":[0,8]}"#,
               "byte count 8", "shape [3] × F32", "= 12"),
        .entry("byte count mismatch for I64", #"{"dtype":"I64","shape":[2,2],"data_offsets":[0,8]}"#,
               "byte count 8", "shape [2, 2] × I64 (8 bytes) = 32"),
        MalformedCase("overlapping tensors",
                      fileBytes(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                                data: Array(repeating: 0, count: 12)),
                      tensor: "b", "data_offsets [4, 12]", "overlap tensor \"a\" at [0, 8]"),
        MalformedCase("identical ranges",
                      fileBytes(header: #"{"x":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                                data: Array(repeating: 0, count: 4)),
                      tensor: "y", "overlap tensor \"x\""),
        MalformedCase("range inside another",
                      fileBytes(header: #"{"big":{"dtype":"U8","shape":[16],"data_offsets":[0,16]},"c":{"dtype":"U8","shape":[2],"data_offsets":[10,12]},"d":{"dtype":"U8","shape":[2],"data_offsets":[12,14]}}"#,
                                data: Array(repeating: 0, count: 16)),
                      tensor: "c", "overlap tensor \"big\""),
    ]

    @Test(arguments: cases)
    func malformedFileIsRejected(_ c: MalformedCase) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("bad-\(c.label.replacingOccurrences(of: " ", with: "_")).safetensors")
        try writeBytes(c.bytes, to: path)
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: path) }
        guard let error else { return }
        #expect(error.path == path)
        #expect(error.tensor == c.tensor)
        let text = error.description
        #expect(text.contains(path), "\(text)")
        if let tensor = c.tensor { #expect(text.contains("tensor \"\(tensor)\""), "\(text)") }
        for m in c.mentions { #expect(text.contains(m), "\(text) should mention \(m)") }
    }

    @Test func touchingAndEmptyRangesDoNotOverlap() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"f":{"dtype":"F32","shape":[0],"data_offsets":[2,2]}}"#
        let file = try SafeTensorsFile(data: Data(fileBytes(header: header, data: le(floats: 1, 2))))
        #expect(try file.floats("a") == [1])
        #expect(try file.floats("b") == [2])
    }

    @Test func missingFileIsReported() throws {
        let path = "/nonexistent-dir-\(UUID().uuidString)/model.safetensors"
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: path) }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("cannot read the file: no such file") == true)

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let directoryError = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: dir.path) }
        #expect(directoryError?.description == "safetensors file \(dir.path): cannot read the file: it is a directory")
    }

    @Test func missingTensorListsSomeThatExist() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("model.safetensors")
        var values: [String: TensorValue] = [:]
        for i in 0..<10 { values["layer\(i).weight"] = .floats([Float(i)], shape: [1]) }
        values["fc.bias"] = .floats([0], shape: [1])
        try SafeTensors.write(values, to: path)
        let file = try SafeTensorsFile(contentsOf: path)

        let error = #expect(throws: SafeTensorsError.self) { try file.tensor("layer3.bias") }
        let text = error?.description ?? ""
        #expect(text.contains(path), "\(text)")
        #expect(text.contains("tensor \"layer3.bias\""), "\(text)")
        #expect(text.contains("no such tensor"), "\(text)")
        #expect(text.contains("the file holds 11"), "\(text)")
        #expect(text.contains("\"layer3.weight\""), "closest names first: \(text)")
        #expect(text.contains("…"), "\(text)")
        #expect(error?.reason == .noSuchTensor(
            available: ["layer3.weight", "layer0.weight", "layer1.weight", "layer2.weight", "layer4.weight"], total: 11))

        for access in [{ _ = try file.floats("nope") }, { _ = try file.int64s("nope") }, { _ = try file.rawBytes("nope") },
                       { _ = try file.entry("nope") }] as [() throws -> Void] {
            let e = #expect(throws: SafeTensorsError.self) { try access() }
            #expect(e?.description.contains("no such tensor") == true)
        }

        let emptyError = #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(data: Data(fileBytes(header: "{}")), path: "empty").floats("x")
        }
        #expect(emptyError?.description == "safetensors file empty, tensor \"x\": no such tensor (the file holds none)")
    }

    @Test func integerAccessNeedsAnIntegerDType() throws {
        let data = try SafeTensors.encode(["w": .floats([1, 2], shape: [2]),
                                           "big": .raw(.uint64, shape: [2], bytes: le(UInt64(5), UInt64.max))])
        let file = try SafeTensorsFile(data: data, path: "ints.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { try file.int64s("w") }
        #expect(error?.description == "safetensors file ints.safetensors, tensor \"w\": dtype F32 cannot be read as Int64")
        let range = #expect(throws: SafeTensorsError.self) { try file.int64s("big") }
        #expect(range?.description.contains("value at index 1 does not fit in Int64") == true)
        #expect(try file.floats("big") == [5, Float(UInt64.max)])
    }
}
