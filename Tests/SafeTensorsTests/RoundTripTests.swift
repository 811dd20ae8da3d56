import Foundation
import Testing
import ScalpelEngine
import SafeTensors

@Suite struct RoundTripTests {
    @Test func writesAndReadsSeveralTensorsWithMetadata() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("model.safetensors")

        var rng = RandomGenerator(seed: 7)
        let conv = Tensor.randn([4, 3, 3, 3], using: &rng)
        let nhwc = Tensor.randn([2, 3, 2, 2], using: &rng).converted(to: .channelsLast)
        let values: [String: TensorValue] = [
            "conv.weight": .float32(conv),
            "features.nhwc": .float32(nhwc),
            "scalar": .float32(Tensor(3.5)),
            "empty": .float32(Tensor.zeros([0, 4])),
            "bias": .floats([0.5, -1, .infinity], shape: [3]),
            "bn.num_batches_tracked": .int64s([1234], shape: []),
            "labels": .int64s([0, 9, -3, .max, .min], shape: [5]),
            "half": .raw(.float16, shape: [2], bytes: [0x00, 0x3C, 0x00, 0xC0]),
        ]
        let metadata = ["format": "pt", "quote\"back\\slash": "line\nbreak\ttab\u{1}", "unicode": "é→🙂"]
        try SafeTensors.write(values, metadata: metadata, to: path)

        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.metadata == metadata)
        #expect(file.names == ["bias", "bn.num_batches_tracked", "conv.weight", "empty", "features.nhwc",
                               "half", "labels", "scalar"])
        #expect((8 + file.headerLength) % 8 == 0)

        #expect(file.entries["conv.weight"]?.dtype == .float32)
        #expect(file.entries["conv.weight"]?.shape == [4, 3, 3, 3])
        #expect(try file.tensor("conv.weight").toArray() == conv.toArray())
        // A channels-last tensor is stored in logical order.
        #expect(try file.tensor("features.nhwc").shape == [2, 3, 2, 2])
        #expect(try file.floats("features.nhwc") == nhwc.toArray())
        #expect(try file.tensor("scalar").shape == [])
        #expect(try file.floats("scalar") == [3.5])
        #expect(try file.tensor("empty").shape == [0, 4])
        #expect(try file.floats("bias") == [0.5, -1, .infinity])
        #expect(file.entries["bn.num_batches_tracked"] == .init(dtype: .int64, shape: [], dataOffsets: 12..<20))
        #expect(try file.int64s("bn.num_batches_tracked") == [1234])
        #expect(try file.int64s("labels") == [0, 9, -3, .max, .min])
        #expect(file.entries["half"]?.dtype == .float16)
        #expect(try file.floats("half") == [1, -2])

        // Tensors are laid out in name order, back to back.
        var offset = 0
        for name in file.names {
            let entry = try file.entry(name)
            #expect(entry.dataOffsets.lowerBound == offset)
            offset = entry.dataOffsets.upperBound
        }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(size == 8 + file.headerLength + offset)
    }

    @Test func outputIsDeterministicAndMatchesEncode() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let tensors = ["b": Tensor(shape: [2], data: [1, 2]), "a": Tensor(shape: [1, 1], data: [3]),
                       "c.d": Tensor(shape: [3], data: [4, 5, 6])]
        try SafeTensors.write(tensors, metadata: ["k": "v"], to: dir.file("one.safetensors"))
        try SafeTensors.write(tensors, metadata: ["k": "v"], to: dir.file("two.safetensors"))
        let one = try Data(contentsOf: URL(fileURLWithPath: dir.file("one.safetensors")))
        let two = try Data(contentsOf: URL(fileURLWithPath: dir.file("two.safetensors")))
        #expect(one == two)
        #expect(one == (try SafeTensors.encode(tensors, metadata: ["k": "v"])))

        // The exact header, padded with spaces to a multiple of 8 bytes.
        let json = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"c.d":{"dtype":"F32","shape":[3],"data_offsets":[12,24]}}"#
        let padded = json + String(repeating: " ", count: (8 - json.utf8.count % 8) % 8)
        #expect(Array(one.prefix(8)) == le(UInt64(padded.utf8.count)))
        #expect(String(decoding: one[8..<(8 + padded.utf8.count)], as: UTF8.self) == padded)
        #expect(Array(one.suffix(24)) == le(floats: 3, 1, 2, 4, 5, 6))
    }

    @Test func noMetadataWritesNoMetadataKey() throws {
        let data = try SafeTensors.encode(["x": .int64s([1, 2], shape: [2])])
        let header = String(decoding: data.dropFirst(8).prefix(while: { $0 != UInt8(ascii: " ") }), as: UTF8.self)
        #expect(!header.contains("__metadata__"))
        #expect(try SafeTensorsFile(data: data).metadata.isEmpty)
        let empty = try SafeTensors.encode([String: TensorValue]())
        #expect(try SafeTensorsFile(data: empty).names.isEmpty)
    }

    @Test func invalidValuesAreRejected() throws {
        let cases: [(TensorValue, String)] = [
            (.floats([1, 2, 3], shape: [2, 2]), "3 values for shape [2, 2] (4 expected)"),
            (.int64s([1], shape: [2]), "1 values for shape [2] (2 expected)"),
            (.floats([], shape: [-1, 0]), "negative dimension in shape [-1, 0]"),
            (.raw(.bfloat16, shape: [3], bytes: [0, 0]), "byte count 2 does not match shape [3] × BF16 (2 bytes) = 6"),
            (.raw(.uint8, shape: [1 << 32, 1 << 32], bytes: []), "shape [4294967296, 4294967296] has too many elements"),
        ]
        for (value, message) in cases {
            let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.encode(["t": value]) }
            #expect(error?.description == "safetensors file <memory>, tensor \"t\": \(message)")
        }
        let reserved = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.encode(["__metadata__": .floats([1], shape: [1])])
        }
        #expect(reserved?.description.contains("reserved") == true)
    }

    @Test func unusualNamesSurviveEscaping() throws {
        let names = ["with \"quotes\"", "back\\slash", "new\nline", "ctl\u{7}", "ünï/cödé 🙂", ""]
        var values: [String: TensorValue] = [:]
        for (i, name) in names.enumerated() { values[name] = .floats([Float(i)], shape: [1]) }
        let file = try SafeTensorsFile(data: try SafeTensors.encode(values))
        #expect(Set(file.names) == Set(names))
        for (i, name) in names.enumerated() { #expect(try file.floats(name) == [Float(i)]) }
    }
}
