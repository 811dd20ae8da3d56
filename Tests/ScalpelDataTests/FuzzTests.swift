import Foundation
import Testing
@testable import ScalpelData

/// Damaged image and array files: truncated, bit-flipped, with wrong signatures and huge declared
/// sizes. Every case must decode or throw a `DataError` naming the file; none may crash or hang.
@Suite struct FuzzTests {
    /// SplitMix64: the mutations are the same in every run.
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    /// `count` damaged copies of `bytes`: cuts, single and burst bit flips, and overwritten 4-byte words.
    static func mutations(of bytes: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = Mix(state: seed)
        return (0..<count).map { k in
            var b = bytes
            switch k % 4 {
            case 0: b = Array(b.prefix(rng.below(b.count)))
            case 1: let i = rng.below(b.count); b[i] ^= UInt8(1 << rng.below(8))
            case 2: for _ in 0..<8 { let i = rng.below(b.count); b[i] ^= UInt8(truncatingIfNeeded: rng.next()) }
            default:
                let i = rng.below(max(1, min(b.count, 64) - 4))
                for j in 0..<4 where i + j < b.count { b[i + j] = [0xFF, 0x7F, 0x00, 0xFF][j] }
            }
            return b
        }
    }

    /// Runs `body` on a case named `file`: success, or a DataError naming `file`.
    static func expectCleanOutcome(_ file: String, _ body: () throws -> Void) -> Bool {
        do { try body(); return true } catch let error as DataError {
            #expect(error.file.hasPrefix(file), "\(error) does not name \(file)")
            return false
        } catch {
            Issue.record("\(file): not a DataError: \(error)")
            return false
        }
    }

    @Test func damagedImagesDecodeOrAreRefusedNamingTheFile() throws {
        var cases = 0, refused = 0
        for name in ["rgb.png", "palette_trns.png", "gray16.png", "rgb_interlaced.png", "baseline.jpg", "progressive.jpg", "gray.jpg"] {
            let bytes = try DataFile.readRaw(ImageFixtures.path(name))
            for (k, damaged) in Self.mutations(of: bytes, count: 40, seed: UInt64(name.utf8.count * 7919)).enumerated() {
                let file = "fuzz-\(k)-\(name)"
                if !Self.expectCleanOutcome(file, { _ = try ImageDecoder.decode(damaged, file: file, maxPixels: 1 << 20) }) { refused += 1 }
                cases += 1
            }
        }
        #expect(cases == 280 && refused > cases / 2, "\(refused) of \(cases) refused")
    }

    @Test func damagedArrayFilesAreReadOrRefusedNamingTheFile() throws {
        let dir = DataFixtures.tempDir()
        var cases = 0
        let npy = try DataFile.readRaw(ImageFixtures.path("rgb.png.pixels.npy"))
        for (k, damaged) in Self.mutations(of: npy, count: 60, seed: 17).enumerated() {
            _ = Self.expectCleanOutcome("fuzz-\(k).npy") { _ = try NPY.parse(damaged, file: "fuzz-\(k).npy") }
            cases += 1
        }
        for name in ["data.npz", "data_stored.npz"] {
            let bytes = try DataFile.readRaw(UserDataFixtures.path(name))
            for (k, damaged) in Self.mutations(of: bytes, count: 40, seed: 23).enumerated() {
                let path = "\(dir)/\(k)-\(name)"
                DataFixtures.write(damaged, path)
                _ = Self.expectCleanOutcome(path) { _ = try UserData.load(path) }
                cases += 1
            }
        }
        // The CSV's relative paths resolve through a link to the fixture folder.
        try FileManager.default.createSymbolicLink(atPath: dir + "/folder", withDestinationPath: UserDataFixtures.path("folder"))
        let csv = try DataFile.readRaw(UserDataFixtures.path("list.csv"))
        for (k, damaged) in Self.mutations(of: csv, count: 40, seed: 29).enumerated() {
            let path = "\(dir)/\(k).csv"
            DataFixtures.write(damaged, path)
            _ = Self.expectCleanOutcome(path) { _ = try UserData.load(path) }
            cases += 1
        }
        #expect(cases == 180)
    }

    @Test func hugeDeclaredJPEGSizeIsRefusedByThePixelCap() throws {
        var jpeg = try DataFile.readRaw(ImageFixtures.path("baseline.jpg"))
        let sof = try #require((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0x00, 0xFF, 0x00])  // 65280 × 65280
        #expect { try ImageDecoder.decode(jpeg, file: "huge.jpg") } throws: { error in
            (error as? DataError)?.file == "huge.jpg" && (error as? DataError)?.detail.contains("decompression bomb") == true
        }
    }
}
