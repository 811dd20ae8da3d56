import Foundation
import Testing
@testable import ScalpelData

/// The decode cache's cap (DecodeCache+Eviction.swift): least recently used files go first, a hit
/// counts as a use, nothing but the cache's own files is touched, a set larger than the cap is
/// not written, and the cap's text form parses as documented.
@Suite struct DecodeCacheEvictionTests {
    /// Two 3×4×4 images filled with `fill`: every set of this shape makes a file of one size.
    static func set(_ fill: UInt8) -> ImageSet {
        ImageSet(bytes: [UInt8](repeating: fill, count: 2 * 3 * 4 * 4), labels: [0, 1], channels: 3, height: 4, width: 4,
                 classCount: 2)
    }

    /// The size of one cache file of `set(_:)`: header, 2 labels, 96 samples, CRC.
    static let fileSize = DecodeCache.headerSize + 2 * 4 + 96 + 4

    /// A digest made of `fill` and its cache file's name.
    static func key(_ fill: UInt8) -> (digest: [UInt8], name: String) {
        let digest = [UInt8](repeating: fill, count: 32)
        return (digest, digest.map { String(format: "%02x", $0) }.joined() + ".u8")
    }

    /// Writes `set(fill)` into `cache` with the cap `maxBytes`; returns its file's name.
    @discardableResult
    static func write(_ fill: UInt8, in cache: String, maxBytes: Int) -> String {
        let (digest, name) = key(fill)
        DecodeCache.write(set(fill), to: cache + "/" + name, digest: digest, maxBytes: maxBytes)
        return name
    }

    static func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func age(_ path: String, seconds: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: path)
    }

    static func modified(_ path: String) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    @Test func theFileSizeIsTheWrittenFilesSize() throws {
        let cache = DataFixtures.tempDir()
        let name = Self.write(1, in: cache, maxBytes: 1 << 20)
        let attributes = try FileManager.default.attributesOfItem(atPath: cache + "/" + name)
        #expect((attributes[.size] as? NSNumber)?.intValue == Self.fileSize)
        #expect(DecodeCache.fileSize(of: Self.set(1)) == Self.fileSize)
    }

    /// Sets 1 and 2 written under `maxBytes`, last used 300 and 200 seconds ago.
    static func twoAgedFiles(in cache: String, maxBytes: Int) throws -> (String, String) {
        let a = write(1, in: cache, maxBytes: maxBytes)
        try age(cache + "/" + a, seconds: 300)
        let b = write(2, in: cache, maxBytes: maxBytes)
        try age(cache + "/" + b, seconds: 200)
        return (a, b)
    }

    @Test func aThirdWriteUnderACapOfTwoFilesEvictsTheLeastRecentlyUsed() throws {
        let cache = DataFixtures.tempDir(), cap = 2 * Self.fileSize
        let (a, b) = try Self.twoAgedFiles(in: cache, maxBytes: cap)
        #expect(Self.files(cache) == [a, b].sorted(), "two files fit the cap")
        let c = Self.write(3, in: cache, maxBytes: cap)
        #expect(Self.files(cache) == [b, c].sorted(), "the oldest, \(a), is gone")
        // A cap of one file: the file just written stays, however old the clock says it is.
        try Self.age(cache + "/" + c, seconds: 400)
        let d = Self.write(4, in: cache, maxBytes: Self.fileSize)
        #expect(Self.files(cache) == [d])
    }

    @Test func aHitMarksItsFileAsUsed() throws {
        let cache = DataFixtures.tempDir(), cap = 2 * Self.fileSize
        let (a, b) = try Self.twoAgedFiles(in: cache, maxBytes: cap)
        let hit = DecodeCache.read(cache + "/" + a, digest: Self.key(1).digest, labels: [0, 1], classCount: 2)
        #expect(hit?.bytes?.samples == Self.set(1).bytes?.samples)
        #expect(try Self.modified(cache + "/" + a) > Self.modified(cache + "/" + b))
        let c = Self.write(3, in: cache, maxBytes: cap)
        #expect(Self.files(cache) == [a, c].sorted(), "\(b), not the file just read, is the least recently used")
        // A miss (a damaged file) marks nothing.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: cache + "/" + a))
        try Self.age(cache + "/" + a, seconds: 100)
        let before = try Self.modified(cache + "/" + a)
        #expect(DecodeCache.read(cache + "/" + a, digest: Self.key(1).digest, labels: [0, 1], classCount: 2) == nil)
        #expect(try Self.modified(cache + "/" + a) == before)
    }

    @Test func onlyTheCachesOwnFilesAreEverDeleted() throws {
        let cache = DataFixtures.tempDir(), manager = FileManager.default
        let hex = String(Self.key(0xab).name.dropLast(3))  // "abab…": its upper case is not a cache name
        let outside = DataFixtures.tempDir() + "/target.bin"
        try Data(count: 4 * Self.fileSize).write(to: URL(fileURLWithPath: outside))
        // Old and large, so each would go first if it were taken for a cache file.
        let foreign = ["notes.txt", hex.uppercased() + ".u8", String(hex.dropLast()) + ".u8", hex + ".u8.bak",
                       "x" + hex + ".u8", "model.safetensors.tmp-1-2"]
        for name in foreign {
            try Data(count: 4 * Self.fileSize).write(to: URL(fileURLWithPath: cache + "/" + name))
            try Self.age(cache + "/" + name, seconds: 10 * 86_400)
        }
        let linked = Self.key(8).name, directory = Self.key(7).name
        try manager.createSymbolicLink(atPath: cache + "/" + linked, withDestinationPath: outside)
        try manager.createDirectory(atPath: cache + "/" + directory, withIntermediateDirectories: false)
        // Leftovers of interrupted writes: the one older than a day goes, the recent one stays.
        let stale = Self.key(6).name + ".tmp-100-200", recent = Self.key(5).name + ".tmp-300-400"
        for name in [stale, recent] { try Data(count: 10).write(to: URL(fileURLWithPath: cache + "/" + name)) }
        try Self.age(cache + "/" + stale, seconds: 2 * 86_400)
        try Self.age(cache + "/" + recent, seconds: 3_600)

        let a = Self.write(1, in: cache, maxBytes: Self.fileSize)
        try Self.age(cache + "/" + a, seconds: 300)
        let b = Self.write(2, in: cache, maxBytes: Self.fileSize)
        #expect(Self.files(cache) == (foreign + [linked, directory, recent, b]).sorted(), "\(a) and \(stale) removed")
        #expect(manager.fileExists(atPath: outside))
    }

    @Test func aSetLargerThanTheCapIsNotWrittenAndEvictsNothing() throws {
        let cache = DataFixtures.tempDir()
        let a = Self.write(1, in: cache, maxBytes: Self.fileSize)
        try Self.age(cache + "/" + a, seconds: 300)
        Self.write(2, in: cache, maxBytes: Self.fileSize - 1)
        #expect(Self.files(cache) == [a], "neither the file nor a temporary one is written; \(a) stays")
    }

    @Test func theCapReachesTheCacheThroughTheReadOptions() throws {
        let root = UserDataFixtures.path("folder")  // 12 RGB images of 6×5: one cache file of 88 + 48 + 1080 + 4 bytes
        let cache = DataFixtures.tempDir(), size = DecodeCache.headerSize + 48 + 1080 + 4
        func load(_ cap: Int, _ p: Preprocessing = Preprocessing()) throws -> Bool {
            let options = UserDataOptions(cacheDirectory: cache, cacheMaxBytes: cap, unroundedResizeBytes: 0)
            return try #require(try UserData.load(root, preprocessing: p, options: options).all).fromCache
        }
        #expect(try !load(size - 1) && !load(size - 1), "too large for the cap: never cached")
        #expect(Self.files(cache).isEmpty)
        #expect(try !load(size) && load(size), "exactly the cap: cached")
        // Another geometry (one channel: 360 samples) under a cap that holds one file of either: the first goes.
        let gray = Preprocessing(channels: 1)
        #expect(try !load(size, gray) && load(size, gray))
        #expect(Self.files(cache).count == 1)
        #expect(try !load(size), "the three-channel file was evicted")
    }

    @Test(arguments: [("1", 1), ("1024", 1024), ("4K", 4096), ("4k", 4096), ("3M", 3 << 20), ("50G", 50 << 30),
                      ("20g", 20 << 30), ("2T", 2 << 40), ("007", 7)])
    func aByteCountParses(text: String, bytes: Int) {
        #expect(UserDataOptions.byteCount(parsing: text) == bytes)
    }

    @Test(arguments: ["", "0", "0G", "-1", "+5", "1.5G", "G", "1GB", "1 G", " 1", "1e9", "5P", "0x10",
                      "99999999999999999999", "9000000000T", "٣"])
    func aMalformedByteCountIsRefused(text: String) {
        #expect(UserDataOptions.byteCount(parsing: text) == nil)
    }
}
