import Foundation
import Testing
import SafeTensors

/// A file written by PyTorch's safetensors (scripts/make_safetensors_fixture.py; Python is
/// not needed to run this test).
@Suite struct PyTorchFixtureTests {
    let file: SafeTensorsFile

    init() throws {
        file = try SafeTensorsFile(contentsOf: fixturesDirectory + "/pytorch_small.safetensors")
    }

    @Test func metadataAndEntries() throws {
        #expect(file.metadata == ["format": "pt", "note": "Scalpel fixture"])
        #expect(file.names == ["bf16", "bn.bias", "bn.num_batches_tracked", "bn.running_mean", "bn.running_var",
                               "bn.weight", "bytes", "conv.weight", "double", "empty", "half", "int32", "labels", "mask"])
        #expect((8 + file.headerLength) % 8 == 0)
        #expect(file.entries["bn.num_batches_tracked"]?.dtype == .int64)
        #expect(file.entries["bn.num_batches_tracked"]?.shape == [])
        #expect(file.entries["conv.weight"]?.shape == [2, 3, 2, 2])
        #expect(file.entries["half"]?.dtype == .float16)
        #expect(file.entries["bf16"]?.dtype == .bfloat16)
        #expect(file.entries["mask"]?.dtype == .bool)
    }

    @Test func values() throws {
        let conv = try file.tensor("conv.weight")
        #expect(conv.shape == [2, 3, 2, 2])
        #expect(conv.toArray() == (0..<24).map { Float($0) * 0.25 - 3 })
        #expect(try file.floats("bn.weight") == [1, 0.5])
        #expect(try file.floats("bn.bias") == [0, -0.125])
        #expect(try file.floats("bn.running_mean") == [0.1, -0.2])
        #expect(try file.floats("bn.running_var") == [1.5, 2.5])
        #expect(try file.int64s("bn.num_batches_tracked") == [7])
        #expect(try file.tensor("bn.num_batches_tracked").item == 7)

        let half = try file.tensor("half")
        #expect(half.shape == [2, 3])
        #expect(sameBits(half.toArray(), [0.5, -2, 65504, 0x1p-14, 0x1p-24, -0.0]))
        #expect(try file.floats("bf16") == [1, -3.5, Float(bitPattern: 0x714A_0000), 0.0078125])
        #expect(try file.floats("double") == [3.25, -1e-3])
        #expect(try file.int64s("labels") == [0, 9, -1, 1 << 40])
        #expect(try file.int64s("int32") == [-7, 123456])
        #expect(try file.floats("bytes") == [0, 1, 255])
        #expect(try file.int64s("mask") == [1, 0, 1])
        #expect(try file.tensor("empty").shape == [0, 3])
    }
}
