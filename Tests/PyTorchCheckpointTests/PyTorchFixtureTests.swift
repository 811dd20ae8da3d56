import Foundation
import SafeTensors
import ScalpelEngine
import Testing
@testable import PyTorchCheckpoint

/// `.pth` files written by torch.save (scripts/fixtures/pth.py) read bit for bit as torch.load
/// reads them (the expected tensors were saved by PyTorch's safetensors from the same objects).
@Suite struct PyTorchFixtureTests {
    /// The state dict's names in the order the script inserted them.
    static let order = ["conv.weight", "fc.weight", "transposed", "shared.a", "shared.b", "shared.column", "expanded",
                        "half", "bf16", "double", "labels", "int32", "bytes", "mask", "bn.num_batches_tracked", "empty"]

    @Test(arguments: [("state_zip.pth", PyTorchCheckpoint.Format.zip), ("state_legacy.pth", .legacy),
                      ("state_deflated.pth", .zip)])
    func everyTensorBitForBit(file: String, format: PyTorchCheckpoint.Format) throws {
        let checkpoint = try PyTorchCheckpoint(contentsOf: fixture(file))
        #expect(checkpoint.format == format)
        let state = try checkpoint.stateDict()
        #expect(state.names == Self.order)
        #expect(state.key == nil && state.strippedPrefix == nil && state.skipped.isEmpty)
        let expected = try SafeTensorsFile(contentsOf: fixture("state_expected.safetensors"))
        #expect(Set(expected.names) == Set(state.names))
        for name in expected.names {
            let entry = try expected.entry(name), tensor = try #require(state.tensors[name])
            #expect(tensor.dtype == entry.dtype, "\(name)")
            #expect(tensor.shape == entry.shape, "\(name)")
            #expect(tensor.bytes == [UInt8](try expected.rawBytes(name)), "\(name)")
        }
    }

    @Test func floatTensorsConvertEveryDType() throws {
        let floats = try PyTorchCheckpoint(contentsOf: fixture("state_zip.pth")).stateDict().floatTensors()
        let expected = try SafeTensorsFile(contentsOf: fixture("state_expected.safetensors"))
        #expect(Set(floats.keys) == Set(expected.names))
        for name in expected.names {
            let t = try #require(floats[name])
            #expect(t.shape == expected.entries[name]?.shape)
            let a = t.toArray(), b = try expected.floats(name)
            #expect(a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(name)")
        }
    }

    @Test func viewsAreResolvedFromTheirStorage() throws {
        let state = try PyTorchCheckpoint(contentsOf: fixture("state_legacy.pth")).stateDict()
        let file = try state.safeTensorsFile(path: "state_legacy.pth")
        // `shared.a` is elements 0..<6 of one storage, `shared.b` 4..<10, `shared.column` 1, 5, 9.
        let a = try file.floats("shared.a"), b = try file.floats("shared.b"), column = try file.floats("shared.column")
        #expect(Array(a[4...]) == Array(b[..<2]))
        #expect(column == [a[1], a[5], b[5]])
        let transposed = try file.tensor("transposed")
        #expect(transposed.shape == [3, 5])
        let expanded = try file.floats("expanded")
        #expect(expanded.count == 12 && (0..<12).allSatisfy { expanded[$0] == expanded[$0 % 3] })
        #expect(try file.int64s("labels") == [0, 9, -1, 1 << 40])
        #expect(try file.int64s("bn.num_batches_tracked") == [7])
    }

    @Test func rootHoldsEverythingSaved() throws {
        let checkpoint = try PyTorchCheckpoint(contentsOf: fixture("nested_zip.pth"))
        #expect(checkpoint.root["epoch"].map { if case .int(3) = $0 { true } else { false } } == true)
        guard case .dict(let optimizer)? = checkpoint.root["optimizer"] else { Issue.record("no optimizer dict"); return }
        #expect(optimizer.map(\.key) == ["lr", "betas"])
        guard case .list(let flags)? = checkpoint.root["flags"] else { Issue.record("no flags list"); return }
        #expect(flags.map(\.kind) == ["int", "float", "None", "bool", "bytes"])
    }

    @Test(arguments: [("nested_zip.pth", "state_dict", "module."), ("nested_legacy.pth", "model", "model.")])
    func nestedStateDictsAndPrefixesAreFound(file: String, key: String, prefix: String) throws {
        let state = try PyTorchCheckpoint(contentsOf: fixture(file)).stateDict()
        #expect(state.key == key)
        #expect(state.strippedPrefix == prefix)
        #expect(state.names == ["conv.weight", "bn.running_var", "bn.num_batches_tracked"])
        let expected = try SafeTensorsFile(contentsOf: fixture("nested_expected.safetensors"))
        for name in expected.names {
            #expect(state.tensors[name]?.bytes == [UInt8](try expected.rawBytes(name)), "\(name)")
        }
    }

    @Test func explicitLocationAndPrefix() throws {
        let checkpoint = try PyTorchCheckpoint(contentsOf: fixture("nested_zip.pth"))
        let kept = try checkpoint.stateDict(StateDictOptions(location: .key("state_dict"), prefix: .keep))
        #expect(kept.names.first == "module.conv.weight")
        #expect(kept.skipped.isEmpty)
        let stripped = try checkpoint.stateDict(StateDictOptions(location: .key("state_dict"), prefix: .strip("module.")))
        #expect(stripped.names == ["conv.weight", "bn.running_var", "bn.num_batches_tracked"])
        // Every name must have an explicit prefix.
        #expect(throws: PyTorchCheckpointError.self) {
            try checkpoint.stateDict(StateDictOptions(location: .key("state_dict"), prefix: .strip("model.")))
        }
        let missing = #expect(throws: PyTorchCheckpointError.self) {
            try checkpoint.stateDict(StateDictOptions(location: .key("weights")))
        }
        #expect(missing?.reason.contains("'state_dict', 'epoch', 'optimizer'") == true)
        let root = #expect(throws: PyTorchCheckpointError.self) { try checkpoint.stateDict(StateDictOptions(location: .root)) }
        #expect(root?.reason.contains("holds no tensors") == true)
    }
}

/// The dtypes PyTorch 2 saves with `_rebuild_tensor_v3` over an untyped (byte) storage.
@Suite struct NewerDTypeFixtureTests {
    @Test func untypedStoragesWithExplicitDTypes() throws {
        let state = try PyTorchCheckpoint(contentsOf: fixture("dtypes_zip.pth")).stateDict()
        #expect(state.names == ["u16", "u32", "u64", "f8e4m3", "f8e5m2"])
        let expected = try SafeTensorsFile(contentsOf: fixture("dtypes_expected.safetensors"))
        let dtypes: [String: DType] = ["u16": .uint16, "u32": .uint32, "u64": .uint64, "f8e4m3": .float8E4M3, "f8e5m2": .float8E5M2]
        for name in expected.names {
            let entry = try expected.entry(name), tensor = try #require(state.tensors[name])
            #expect(tensor.dtype == dtypes[name] && tensor.dtype == entry.dtype, "\(name)")
            #expect(tensor.shape == entry.shape, "\(name)")
            #expect(tensor.bytes == [UInt8](try expected.rawBytes(name)), "\(name)")
        }
        let file = try state.safeTensorsFile(path: "dtypes_zip.pth")
        #expect(try file.int64s("u64") == expected.int64s("u64"))
        #expect(try file.floats("f8e4m3") == expected.floats("f8e4m3"))
    }
}
