import Foundation
import Testing
import SafeTensors

/// Files assembled byte by byte in the test, with known values.
@Suite struct HandWrittenFileTests {
    // F16: 1.0, -2.0, 0.5, 65504 (largest finite half).
    static let f16Bytes: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0xFF, 0x7B]
    // BF16: 1.0, -3.5.
    static let bf16Bytes: [UInt8] = [0x80, 0x3F, 0x60, 0xC0]
    // I64: 7, -2, 2^40 + 3.
    static let i64Bytes: [UInt8] = [0x07, 0, 0, 0, 0, 0, 0, 0,
                                    0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                    0x03, 0, 0, 0, 0, 0x01, 0, 0]
    // F32: 1.5, -0.25.
    static let f32Bytes: [UInt8] = [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x80, 0xBE]

    /// Entries in no particular order, offsets not sorted by name, the I64 entry unaligned,
    /// and the header padded with spaces.
    static let header = """
        {"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},\
        "__metadata__":{"format":"pt","epoch":"3"},\
        "n":{"shape":[3],"dtype":"I64","data_offsets":[12,36]},\
        "b":{"dtype":"BF16","data_offsets":[8,12],"shape":[2]},\
        "f":{"dtype":"F32","shape":[1,2],"data_offsets":[36,44]}}     
        """

    static func makeFile(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("hand.safetensors")
        try writeBytes(fileBytes(header: header, data: f16Bytes + bf16Bytes + i64Bytes + f32Bytes), to: path)
        return path
    }

    @Test func readsEntriesAndMetadata() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try SafeTensorsFile(contentsOf: try Self.makeFile(in: dir))
        #expect(file.names == ["b", "f", "h", "n"])
        #expect(file.metadata == ["format": "pt", "epoch": "3"])
        #expect(file.headerLength == Array(Self.header.utf8).count)
        #expect(file.entries["h"] == .init(dtype: .float16, shape: [2, 2], dataOffsets: 0..<8))
        #expect(file.entries["b"] == .init(dtype: .bfloat16, shape: [2], dataOffsets: 8..<12))
        #expect(file.entries["n"] == .init(dtype: .int64, shape: [3], dataOffsets: 12..<36))
        #expect(file.entries["f"] == .init(dtype: .float32, shape: [1, 2], dataOffsets: 36..<44))
        #expect(file.entries["n"]?.count == 3)
        #expect(file.entries["n"]?.byteCount == 24)
        #expect(file.contains("f") && !file.contains("g"))
    }

    @Test func convertsValues() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try SafeTensorsFile(contentsOf: try Self.makeFile(in: dir))
        #expect(try file.floats("h") == [1, -2, 0.5, 65504])
        #expect(try file.floats("b") == [1, -3.5])
        #expect(try file.floats("n") == [7, -2, Float(1 << 40 + 3)])
        #expect(try file.int64s("n") == [7, -2, 1 << 40 + 3])
        #expect(try file.floats("f") == [1.5, -0.25])

        let h = try file.tensor("h")
        #expect(h.shape == [2, 2])
        #expect(h.toArray() == [1, -2, 0.5, 65504])
        let f = try file.tensor("f")
        #expect(f.shape == [1, 2])
        #expect(f.toArray() == [1.5, -0.25])
        #expect(try file.rawBytes("b") == Data(Self.bf16Bytes))

        let all = try file.tensors()
        #expect(Set(all.keys) == ["b", "f", "h", "n"])
        #expect(all["n"]?.toArray() == [7, -2, Float(1 << 40 + 3)])
    }

    @Test func readsFromMemoryToo() throws {
        let bytes = fileBytes(header: Self.header, data: Self.f16Bytes + Self.bf16Bytes + Self.i64Bytes + Self.f32Bytes)
        // A slice that does not start at index 0.
        let data = (Data([9, 9, 9]) + Data(bytes)).dropFirst(3)
        let file = try SafeTensorsFile(data: data, path: "in-memory")
        #expect(try file.int64s("n") == [7, -2, 1 << 40 + 3])
        #expect(try file.floats("f") == [1.5, -0.25])
    }

    @Test func scalarsEmptyTensorsAndEmptyHeader() throws {
        let header = """
            {"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},\
            "e":{"dtype":"I64","shape":[0,5],"data_offsets":[4,4]},\
            "z":{"dtype":"F16","shape":[3,0],"data_offsets":[4,4]}}
            """
        let file = try SafeTensorsFile(data: Data(fileBytes(header: header, data: le(floats: 2.5))))
        let s = try file.tensor("s")
        #expect(s.shape == [])
        #expect(s.item == 2.5)
        #expect(try file.int64s("e") == [])
        #expect(try file.tensor("z").shape == [3, 0])

        let none = try SafeTensorsFile(data: Data(fileBytes(header: "{}")))
        #expect(none.names.isEmpty && none.metadata.isEmpty)
    }
}
