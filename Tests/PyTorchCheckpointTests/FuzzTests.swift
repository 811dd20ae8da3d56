import Foundation
import Testing
@testable import PyTorchCheckpoint

/// Malformed `.pth` files: truncated at every byte, bit-flipped, zip bombs and huge declared
/// sizes, deep nesting and memo abuse. Each is refused with an error naming the file, without a
/// crash, a hang or an unbounded allocation (or, for a harmless flip, read as before).
@Suite struct FuzzTests {
    static let fixtures = ["state_zip.pth", "state_legacy.pth", "state_deflated.pth", "nested_zip.pth", "nested_legacy.pth"]

    @Test(arguments: fixtures)
    func everyTruncationIsRefused(file: String) throws {
        let bytes = try fixtureBytes(file)
        #expect(readError(bytes, path: file) == nil, "the whole file reads")
        var refused = 0
        for length in 0..<bytes.count {
            let error = readError(Array(bytes[..<length]), path: file)
            #expect(error?.path == file, "truncated at \(length)")
            if error != nil { refused += 1 }
        }
        #expect(refused == bytes.count)
    }

    @Test(arguments: fixtures)
    func bitFlipsAreRefusedOrHarmless(file: String) throws {
        let bytes = try fixtureBytes(file)
        let original = try PyTorchCheckpoint(bytes: bytes, path: file).stateDict()
        var random = SplitMix(seed: UInt64(file.utf8.count))
        var (refused, read) = (0, 0)
        for _ in 0..<200 {
            var flipped = bytes
            let i = Int(random.next() % UInt64(bytes.count))
            flipped[i] ^= UInt8(1 << (random.next() % 8))
            do {
                let state = try PyTorchCheckpoint(bytes: flipped, path: file).stateDict()
                read += 1
                // CRC-32 guards every entry of a zip file: what reads is what was saved.
                if file.contains("zip") || file.contains("deflated") {
                    #expect(state.names == original.names && state.tensors == original.tensors, "flip at \(i)")
                }
            } catch let error as PyTorchCheckpointError {
                #expect(error.path == file)
                refused += 1
            }
        }
        #expect(refused + read == 200 && refused > 0)
    }

    /// Archives that declare more than they hold.
    @Test func zipBombsAndHugeDeclarationsAreRefused() throws {
        let pickle = PickleWriter.stateDict(count: 6, shape: [6], strides: [1])
        let six: [(String, [Float])] = [("0", [1, 2, 3, 4, 5, 6])]
        let cases: [(String, [UInt8], String)] = [
            ("bomb", zipArchive([("archive/data.pkl", [UInt8](repeating: 0, count: 100))], declaredSize: { _ in 0xFFFF_FFF0 }, method: 8),
             "zip bomb"),
            ("oversized", zipArchive([("archive/data.pkl", pickle)], declaredSize: { _ in UInt32(pickle.count + 1) }),
             "has sizes"),
            ("method", zipArchive([("archive/data.pkl", pickle)], method: 12), "compression method 12"),
            ("entries", zipArchive([("archive/data.pkl", pickle)], declaredCount: 65535), "does not fit"),
            ("no pickle", zipArchive([("archive/other", pickle)]), "no '<name>/data.pkl'"),
            ("no storage", zipFile(pickle, storages: []), "has no entry 'archive/data/0'"),
            ("short storage", zipFile(pickle, storages: [("0", [1, 2, 3])]), "needs 24"),
            ("big endian", zipArchive([("archive/data.pkl", pickle), ("archive/byteorder", Array("big".utf8))]), "byteorder is 'big'"),
            ("huge shape", zipFile(PickleWriter.stateDict(count: 6, shape: [1 << 40], strides: [1]), storages: six), "reach element"),
            ("overflow", zipFile(PickleWriter.stateDict(count: 6, shape: [1 << 30, 1 << 30, 1 << 30, 1 << 30], strides: [0, 0, 0, 0]),
                                 storages: six), "too many elements"),
            ("expansion", zipFile(PickleWriter.stateDict(count: 6, shape: [1 << 30, 6], strides: [0, 1]), storages: six), "expands"),
            ("stride", zipFile(PickleWriter.stateDict(count: 6, shape: [2, 3], strides: [3, 2]), storages: six), "reach element 7"),
            ("offset", zipFile(PickleWriter.stateDict(count: 6, offset: 6, shape: [1], strides: [1]), storages: six), "reach element 6"),
            ("negative", zipFile(PickleWriter.stateDict(count: 6, shape: [-1], strides: [1]), storages: six), "not sizes"),
            ("huge storage", zipFile(PickleWriter.stateDict(count: Int(Int32.max), shape: [6], strides: [1]), storages: six), "needs"),
            ("legacy count", legacyFile(PickleWriter.stateDict(count: 6, shape: [6], strides: [1], legacy: true),
                                        storages: [("0", [1, 2, 3])]), "holds 3 elements"),
            ("legacy key", legacyFile(PickleWriter.stateDict(count: 6, shape: [6], strides: [1], legacy: true),
                                      storages: [("1", [1, 2, 3, 4, 5, 6])]), "never used"),
            ("string length", zipFile([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E], storages: []), "runs past the end"),
            ("long length", zipFile([0x80, 0x02, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E], storages: []), "too large"),
            ("bytes8 length", zipFile([0x80, 0x02, 0x8E] + le64(1 << 62) + [0x2E], storages: []), "runs past the end"),
        ]
        for (name, bytes, expected) in cases {
            let error = readError(bytes, path: name)
            #expect(error?.path == name)
            #expect(error?.reason.contains(expected) == true, "\(name): \(error?.reason ?? "read")")
        }
    }

    /// Structures the reader must not follow without end.
    @Test func deepNestingAndMemoAbuseAreRefused() {
        let n = 200_000
        let tuples: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: n) + [0x2E]
        let lists: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: n) + [UInt8](repeating: 0x61, count: n - 1) + [0x2E]
        let cycle: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]
        var shared: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x30]  // memo[0] = []; then 64× memo[0] = [memo[0], memo[0]]
        for _ in 0..<64 { shared += [0x28, 0x68, 0x00, 0x68, 0x00, 0x6C, 0x71, 0x00, 0x30] }
        shared += [0x68, 0x00, 0x2E]
        let marks: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x28, count: n) + [0x4E, 0x2E]
        let cases: [(String, [UInt8], String)] = [
            ("tuples", tuples, "deeper than"), ("lists", lists, "deeper than"), ("cycle", cycle, "deeper than"),
            ("shared", shared, "too many objects"), ("marks", marks, "STOP with"),
            ("unset memo", [0x80, 0x02, 0x6A, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E], "never stored"),
            ("underflow", [0x80, 0x02, 0x30, 0x2E], "stack underflow"),
            ("two values", [0x80, 0x02, 0x4E, 0x4E, 0x2E], "STOP with 2"),
            ("no stop", [0x80, 0x02, 0x4E], "runs past the end"),
            ("append to dict", [0x80, 0x02, 0x7D, 0x4E, 0x61, 0x2E], "APPEND to a dict"),
            ("list key", [0x80, 0x02, 0x7D, 0x5D, 0x4E, 0x73, 0x2E], "dict key is a list"),
            ("call a string", [0x80, 0x02, 0x58] + le32(1) + [0x41, 0x29, 0x52, 0x2E], "cannot call a str"),
            ("bare storage", [0x80, 0x02, 0x28, 0x58] + le32(7) + Array("storage".utf8) + Array("ctorch\nFloatStorage\n".utf8)
                + [0x58] + le32(1) + [0x30, 0x58] + le32(3) + Array("cpu".utf8) + [0x4B, 0x01, 0x74, 0x51, 0x2E], "bare storage"),
        ]
        for (name, pickle, expected) in cases {
            let error = readError(zipFile(pickle, storages: []), path: name)
            #expect(error?.path == name)
            #expect(error?.reason.contains(expected) == true, "\(name): \(error?.reason ?? "read")")
        }
    }

    @Test func randomBytesAreRefused() {
        var random = SplitMix(seed: 14)
        for i in 0..<200 {
            let count = Int(random.next() % 4096)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if i % 2 == 0, bytes.count >= 4 { bytes[0...3] = [0x50, 0x4B, 0x03, 0x04] } else if !bytes.isEmpty { bytes[0] = 0x80 }
            #expect(readError(bytes, path: "random\(i).pth")?.path == "random\(i).pth")
        }
    }
}

/// SplitMix64, a small seeded generator for reproducible cases.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
