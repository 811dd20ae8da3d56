import Foundation
import Testing
@testable import ScalpelData

/// The decode cache: a second read of the same files decodes nothing and gives the same set; a
/// damaged cache file is ignored and rebuilt, never trusted; changed files are a new key.
@Suite struct DecodeCacheTests {
    static let resized = Preprocessing(channels: 3, resize: 4, crop: [4, 3], mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3])

    func load(_ root: String, cache: String?, _ p: Preprocessing = resized, skipBad: Bool = false) throws -> UserDataSet {
        let options = UserDataOptions(skipBadImages: skipBad, cacheDirectory: cache, unroundedResizeBytes: 0)
        return try #require(try UserData.load(root, preprocessing: p, options: options).all)
    }

    func cacheFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// The images as the Float path makes them: each file decoded and preprocessed on its own.
    func floatPath(_ root: String, _ p: Preprocessing) throws -> [Float] {
        let files = ["cat/00", "cat/01", "cat/02", "cat/03", "dog/04", "dog/05", "dog/06", "dog/07",
                     "emu/08", "emu/09", "emu/10", "emu/11"].map { "\(root)/\($0).png" }
        return try files.flatMap { try p.apply(to: ImageDecoder.decode(contentsOf: $0), file: $0).pixels }
    }

    @Test func secondReadComesFromTheCacheAndEqualsAFreshDecode() throws {
        let root = UserDataFixtures.path("folder"), cache = DataFixtures.tempDir()
        let otherNormalization = Preprocessing(channels: 3, resize: 4, crop: [4, 3], mean: [0.5], std: [0.5])
        for p in [Preprocessing(), Self.resized, otherNormalization, Preprocessing(channels: 1, crop: [4, 3])] {
            let fresh = try load(root, cache: nil, p)
            let first = try load(root, cache: cache, p)
            let second = try load(root, cache: cache, p)
            #expect(!fresh.fromCache && second.fromCache)
            #expect(first.images.bytes?.samples == fresh.images.bytes?.samples)
            #expect(second.images.bytes?.samples == fresh.images.bytes?.samples)
            #expect(second.images.pixels == fresh.images.pixels)
            #expect(second.images.labels == fresh.images.labels && second.classNames == fresh.classNames)
            let reference = try floatPath(root, p)
            if p.resize == nil {
                #expect(fresh.images.pixels == reference, "without a resize uint8 storage is exact")
            } else {
                // Rounded to uint8 after the resize: within half a step, over the std.
                let worst = zip(fresh.images.pixels, reference).map { abs($0 - $1) }.max() ?? 1
                #expect(worst <= 0.5 / 255 / 0.2 + 1e-6)
            }
        }
        // The mean/std normalization is applied per batch, not part of the key: three files, not four.
        #expect(cacheFiles(cache).count == 3)
    }

    @Test(arguments: ["truncated", "magic", "count", "label", "pixel", "empty", "garbage"])
    func aDamagedCacheFileIsRebuiltNotTrusted(damage: String) throws {
        let root = UserDataFixtures.path("folder"), cache = DataFixtures.tempDir()
        let fresh = try load(root, cache: cache)
        let file = cache + "/" + cacheFiles(cache)[0]
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: file)))
        switch damage {
        case "truncated": bytes.removeLast(10)
        case "magic": bytes[0] ^= 0xff
        case "count": bytes[16] &+= 1
        case "label": bytes[DecodeCache.headerSize] ^= 1
        case "pixel": bytes[bytes.count - 5] ^= 1
        case "empty": bytes = []
        default: bytes = [UInt8](repeating: 0x41, count: bytes.count)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let reread = try load(root, cache: cache)
        #expect(!reread.fromCache)
        #expect(reread.images.pixels == fresh.images.pixels && reread.images.labels == fresh.images.labels)
        #expect(try load(root, cache: cache).fromCache, "rewritten")
        #expect(cacheFiles(cache).count == 1, "no temporary file left")
    }

    @Test func changedFilesGiveANewKeyAndACopiedFolderHits() throws {
        let root = DataFixtures.tempDir() + "/data"
        try FileManager.default.copyItem(atPath: UserDataFixtures.path("folder"), toPath: root)
        let cache = DataFixtures.tempDir()
        _ = try load(root, cache: cache)
        #expect(try load(root, cache: cache).fromCache)
        // Another image under the same name: a miss, and its pixels are the new file's.
        try FileManager.default.removeItem(atPath: root + "/cat/00.png")
        try FileManager.default.copyItem(atPath: root + "/dog/04.png", toPath: root + "/cat/00.png")
        let changed = try load(root, cache: cache)
        #expect(!changed.fromCache && cacheFiles(cache).count == 2)
        #expect(changed.images.image(0) == changed.images.image(4))
        // A file moved to another class (a new label): a miss.
        try FileManager.default.moveItem(atPath: root + "/cat/01.png", toPath: root + "/dog/01.png")
        #expect(!(try load(root, cache: cache)).fromCache && cacheFiles(cache).count == 3)
        // The same relative paths, labels and contents elsewhere: a hit.
        let copy = DataFixtures.tempDir() + "/copy"
        try FileManager.default.copyItem(atPath: root, toPath: copy)
        #expect(try load(copy, cache: cache).fromCache)
    }

    @Test func aReadThatSkippedBadImagesIsNotCached() throws {
        let root = UserDataFixtures.folder(classes: ["a": 2, "b": 2]), cache = DataFixtures.tempDir()
        try Data([0x89, 0x50, 0x4e, 0x47, 0]).write(to: URL(fileURLWithPath: root + "/a/broken.png"))
        let data = try UserData.load(root, options: UserDataOptions(skipBadImages: true, cacheDirectory: cache, unroundedResizeBytes: 0))
        #expect(data.badFiles.count == 1 && data.all?.images.count == 4)
        #expect(cacheFiles(cache).isEmpty)
    }

    @Test func theMemoryCapCountsUint8Samples() throws {
        let root = UserDataFixtures.path("folder")  // 12 RGB images of 6×5: 1080 samples
        #expect(try UserData.load(root, options: UserDataOptions(maxBytes: 1080)).all?.images.count == 12)
        #expect { try UserData.load(root, options: UserDataOptions(maxBytes: 1079)) } throws: {
            ($0 as? DataError)?.file == root && ($0 as? DataError)?.detail.contains("memory cap") == true
        }
    }
}
