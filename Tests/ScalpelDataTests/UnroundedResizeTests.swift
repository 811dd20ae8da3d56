import Foundation
import Testing
@testable import ScalpelData

/// A resized set small enough as Float keeps torchvision's resized pixels unrounded (and is not
/// cached); above `unroundedResizeBytes` it is held as uint8, rounded after the resize.
@Suite struct UnroundedResizeTests {
    static let resized = Preprocessing(channels: 3, resize: 4, crop: [4, 3], mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3])
    static let files = ["cat/00", "cat/01", "cat/02", "cat/03", "dog/04", "dog/05", "dog/06", "dog/07",
                        "emu/08", "emu/09", "emu/10", "emu/11"]

    /// Each file decoded and preprocessed on its own by the Float path (normalization included).
    func floatPath(_ root: String, _ p: Preprocessing) throws -> [Float] {
        try Self.files.map { "\(root)/\($0).png" }.flatMap { try p.apply(to: ImageDecoder.decode(contentsOf: $0), file: $0).pixels }
    }

    @Test func aSmallResizedSetIsTheFloatPathExactlyAndIsNotCached() throws {
        let root = UserDataFixtures.path("folder"), cache = DataFixtures.tempDir()
        let data = try #require(try UserData.load(root, preprocessing: Self.resized,
                                                  options: UserDataOptions(cacheDirectory: cache)).all)
        #expect(data.images.bytes == nil, "held as Float")
        #expect(data.images.pixels == (try floatPath(root, Self.resized)))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).isEmpty)
    }

    @Test func aResizedSetAboveTheBudgetIsRoundedToBytes() throws {
        let root = UserDataFixtures.path("folder")
        // 12 images of 3×4×3 Float samples are 1,728 bytes: one byte less keeps them as uint8.
        let options = UserDataOptions(unroundedResizeBytes: 12 * 36 * 4 - 1)
        let data = try #require(try UserData.load(root, preprocessing: Self.resized, options: options).all)
        #expect(data.images.bytes != nil, "held as uint8")
        let exact = try #require(try UserData.load(root, preprocessing: Self.resized,
                                                   options: UserDataOptions(unroundedResizeBytes: 12 * 36 * 4)).all)
        #expect(exact.images.bytes == nil, "at the budget: Float")
        let worst = zip(data.images.pixels, exact.images.pixels).map { abs($0 - $1) }.max() ?? 1
        #expect(worst > 0 && worst <= 0.5 / 255 / 0.2 + 1e-6)
    }

    @Test func withoutAResizeTheSetIsAlwaysBytes() throws {
        let root = UserDataFixtures.path("folder")
        let data = try #require(try UserData.load(root, preprocessing: Preprocessing(channels: 3, crop: [4, 3])).all)
        #expect(data.images.bytes != nil)
    }
}
