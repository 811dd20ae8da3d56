import Foundation
import Testing
@testable import ScalpelNN

/// SHA-256 of bytes and of files (checkpoint identity in patches and result databases),
/// against the FIPS 180-4 test vectors.
struct FileHashTests {

    @Test func sha256MatchesTheFIPSVectors() {
        func hex(_ s: String) -> String { FileHash.sha256(Data(s.utf8)) }
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func sha256StreamsAFileInChunks() throws {
        let dir = try PatchTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.bin"
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: path))
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        // Chunks shorter than, equal to and longer than a block, and one chunk for the whole file.
        for chunk in [63, 64, 65, 4096 + 13, 1 << 20] {
            #expect(try FileHash.sha256(ofFile: path, chunkSize: chunk) == expected, "chunk \(chunk)")
        }
        var hasher = SHA256Hasher()
        let bytes = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        for b in bytes { hasher.update([b]) }
        #expect(hasher.finalizeHex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(throws: FileHashError.self) { try FileHash.sha256(ofFile: dir + "/missing") }
    }
}
