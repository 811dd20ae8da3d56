import Foundation
import Testing
@testable import PyTorchCheckpoint

/// Files assembled opcode by opcode (HandMadeFiles.swift): the controls of the malformed cases
/// in FuzzTests, and what torch.save no longer writes (legacy storage views).
@Suite struct HandMadeFileTests {
    /// The hand-made files the malformed cases start from read correctly (the control).
    @Test func handMadeFilesRead() throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        for (bytes, legacy) in [(zipFile(PickleWriter.stateDict(count: 6, shape: [3, 2], strides: [1, 3]), storages: [("0", values)]), false),
                                (legacyFile(PickleWriter.stateDict(count: 6, shape: [3, 2], strides: [1, 3], legacy: true),
                                            storages: [("0", values)]), true)] {
            let checkpoint = try PyTorchCheckpoint(bytes: bytes, path: "hand.pth")
            #expect(checkpoint.format == (legacy ? .legacy : .zip))
            let w = try #require(try checkpoint.stateDict().tensors["w"])
            #expect(w.shape == [3, 2])
            #expect(w.bytes == [Float]([1, 4, 2, 5, 3, 6]).flatMap { le32($0.bitPattern) })
        }
    }

    /// Legacy storage views (PyTorch before 1.0): a tensor over elements 2..<5 of a root storage.
    @Test func legacyStorageViews() throws {
        var p = PickleWriter()
        p.op(0x7D)
        p.string("a"); p.tensor(key: "root", count: 8, offset: 1, shape: [2], strides: [1], view: ("v", 2, 3)); p.op(0x73)
        p.string("b"); p.tensor(key: "root", count: 8, shape: [3], strides: [1], view: ("v", 2, 3)); p.op(0x73)
        p.string("c"); p.tensor(key: "root", count: 8, shape: [8], strides: [1], legacy: true); p.op(0x73)
        p.stop()
        let root: [Float] = [10, 11, 12, 13, 14, 15, 16, 17]
        let state = try PyTorchCheckpoint(bytes: legacyFile(p.bytes, storages: [("root", root)]), path: "views.pth").stateDict()
        #expect(state.tensors["a"]?.bytes == [Float]([13, 14]).flatMap { le32($0.bitPattern) })
        #expect(state.tensors["b"]?.bytes == [Float]([12, 13, 14]).flatMap { le32($0.bitPattern) })
        #expect(state.tensors["c"]?.bytes == root.flatMap { le32($0.bitPattern) })

        var past = PickleWriter()
        past.op(0x7D); past.string("a")
        past.tensor(key: "root", count: 8, shape: [4], strides: [1], view: ("v", 2, 3)); past.op(0x73); past.stop()
        let error = readError(legacyFile(past.bytes, storages: [("root", root)]), path: "views.pth")
        #expect(error?.reason.contains("reach element 3 of a storage of 3") == true)
    }

    /// Sizes and offsets in ZIP64 extra fields (what a zip writer does for entries over 4 GiB).
    @Test func zip64ExtraFields() throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let entries = [("archive/data.pkl", PickleWriter.stateDict(count: 6, shape: [6], strides: [1])),
                       ("archive/data/0", values.flatMap { le32($0.bitPattern) })]
        let state = try PyTorchCheckpoint(bytes: zipArchive(entries, zip64: true), path: "zip64.pth").stateDict()
        #expect(state.tensors["w"]?.bytes == values.flatMap { le32($0.bitPattern) })
    }
}
