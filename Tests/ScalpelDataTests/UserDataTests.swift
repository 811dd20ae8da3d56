import Foundation
import Testing
@testable import ScalpelData

/// The user-data fixtures (scripts/fixtures/user_data.py, `python3 scripts/torch_fixtures.py user_data`).
enum UserDataFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/user_data").path
    static func path(_ name: String) -> String { directory + "/" + name }

    /// A temporary image folder with `classes` class folders of copies of one fixture PNG each.
    static func folder(classes: [String: Int]) -> String {
        let root = DataFixtures.tempDir()
        let png = path("folder/cat/00.png")
        for (name, count) in classes {
            try! FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
            for i in 0..<count { try! FileManager.default.copyItem(atPath: png, toPath: "\(root)/\(name)/\(i).png") }
        }
        return root
    }
}

@Suite struct UserDataTests {
    @Test func everyLayoutGivesTheSameTensorsAndLabels() throws {
        let folder = try UserData.load(UserDataFixtures.path("folder"))
        #expect(folder.layout == .imageFolder)
        let reference = try #require(folder.all)
        #expect(reference.classNames == ["cat", "dog", "emu"])
        #expect(reference.images.labels == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        #expect(reference.images.channels == 3 && reference.images.height == 6 && reference.images.width == 5)
        #expect(folder.ignoredFiles.map { ($0 as NSString).lastPathComponent } == ["notes.txt"])
        for (name, layout) in [("data.npz", UserData.Layout.npz), ("data_stored.npz", .npz), ("data.safetensors", .safetensors),
                               ("pair", .npyPair), ("pair/images.npy", .npyPair), ("list.csv", .csv)] {
            let data = try UserData.load(UserDataFixtures.path(name))
            #expect(data.layout == layout, "\(name)")
            let set = try #require(data.all)
            #expect(set.images.pixels == reference.images.pixels, "\(name)")
            #expect(set.images.labels == reference.images.labels, "\(name)")
            #expect(set.images.classCount == 3)
        }
        let split = try UserData.load(UserDataFixtures.path("split"))
        #expect(split.layout == .splitFolder)
        let train = try #require(split.splits[.train]), validation = try #require(split.splits[.validation])
        let even = Array(stride(from: 0, to: 12, by: 2)), odd = Array(stride(from: 1, to: 12, by: 2))
        #expect(train.images.pixels == reference.images.subset(even).pixels)
        #expect(validation.images.pixels == reference.images.subset(odd).pixels)
        #expect(validation.images.labels == [0, 0, 1, 1, 2, 2] && train.classNames == ["cat", "dog", "emu"])
    }

    @Test func folderPixelsAreThePNGBytesOver255() throws {
        let set = try #require(try UserData.load(UserDataFixtures.path("folder")).all)
        let decoded = try ImageDecoder.decode(contentsOf: UserDataFixtures.path("folder/dog/05.png"))
        let image = set.images.image(5)
        #expect(image[1, 2, 3] == Float(decoded.bytes[(2 * 5 + 3) * 3 + 1]) / 255)
    }

    @Test func badFoldersAreRefusedNamingThePlace() throws {
        func refusal(_ root: String, _ options: UserDataOptions = UserDataOptions()) -> DataError? {
            do { _ = try UserData.load(root, options: options); return nil } catch { return error as? DataError }
        }
        let single = UserDataFixtures.folder(classes: ["a": 2])
        #expect(refusal(single)?.detail.contains("single class") == true)

        let empty = UserDataFixtures.folder(classes: ["a": 2, "b": 1])
        try FileManager.default.createDirectory(atPath: empty + "/c", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: empty + "/c/readme.md", contents: Data("x".utf8))
        #expect(refusal(empty)?.file == empty + "/c")

        let loop = UserDataFixtures.folder(classes: ["a": 1, "b": 1])
        try FileManager.default.createSymbolicLink(atPath: loop + "/a/again", withDestinationPath: loop + "/a")
        #expect(refusal(loop)?.detail.contains("symlink loop") == true)
        #expect(refusal(loop)?.file == loop + "/a/again")

        let mixed = UserDataFixtures.folder(classes: ["a": 1, "b": 1])
        try FileManager.default.copyItem(atPath: ImageFixtures.path("rgb.png"), toPath: mixed + "/b/z.png")
        let mismatch = refusal(mixed)
        #expect(mismatch?.kind == .sizeMismatch && mismatch?.file == mixed + "/b/z.png")
        let resized = try UserData.load(mixed, preprocessing: Preprocessing(resize: 4, crop: [4, 4]))
        #expect(resized.all?.images.count == 3 && resized.all?.images.width == 4)

        let broken = UserDataFixtures.folder(classes: ["a": 2, "b": 2])
        _ = FileManager.default.createFile(atPath: broken + "/b/bad.jpg", contents: Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]))
        #expect(refusal(broken)?.file == broken + "/b/bad.jpg")
        let skipped = try UserData.load(broken, options: UserDataOptions(skipBadImages: true))
        #expect(skipped.badFiles.map(\.file) == [broken + "/b/bad.jpg"] && skipped.all?.images.count == 4)
    }

    @Test func arrayFilesWhoseShapesDisagreeAreRefused() throws {
        let dir = DataFixtures.tempDir()
        DataFixtures.write(DataFixtures.npy(descr: "|u1", shape: [3, 2, 2], data: [UInt8](repeating: 7, count: 12)),
                           dir + "/images.npy")
        DataFixtures.write(DataFixtures.npy(descr: "<i8", shape: [2], data: DataFixtures.int64LE([0, 1])), dir + "/labels.npy")
        #expect { try UserData.load(dir) } throws: { ($0 as? DataError)?.kind == .sizeMismatch && ($0 as? DataError)?.file == dir + "/images.npy" }
        DataFixtures.write(DataFixtures.npy(descr: "<i8", shape: [3], data: DataFixtures.int64LE([0, 1, -1])), dir + "/labels.npy")
        #expect { try UserData.load(dir) } throws: { ($0 as? DataError)?.detail.contains("label -1") == true }
        DataFixtures.write(DataFixtures.npy(descr: "<i8", shape: [3], data: DataFixtures.int64LE([0, 1, 1])), dir + "/labels.npy")
        let data = try UserData.load(dir)
        #expect(data.all?.images.pixels == [Float](repeating: 7 / 255, count: 12) && data.all?.images.channels == 1)
    }
}

@Suite struct UserShiftTests {
    @Test func specRoundTripsAndChecksItsParts() throws {
        let text = "data:/some/dir:source=/other/x.npz:corrupt=gaussian_noise:5"
        let spec = try ShiftSpec(parsing: text)
        #expect(spec == .userData(UserShift(target: "/some/dir", source: "/other/x.npz",
                                            corruption: .init(name: "gaussian_noise", severity: 5))))
        #expect(spec.description == text && spec.level == .input)
        #expect(throws: DataError.self) { try ShiftSpec(parsing: "data:/x:corrupt=gaussian_noise:9") }
        #expect(throws: DataError.self) { try ShiftSpec(parsing: "data:/x:corrupt=nonsense:2") }
        #expect(throws: DataError.self) { try ShiftSpec(parsing: "data:") }
    }

    @Test func materializesSplitsAndNormalizesAfterCorrupting() throws {
        let folder = UserDataFixtures.path("folder")
        let mean: [Float] = [0.5], std: [Float] = [0.25]
        let options = ShiftOptions(seed: 3, splitSizes: SplitSizes(tune: 2, validation: 1),
                                   preprocessing: Preprocessing(mean: mean, std: std))
        let data = try ShiftSpec(parsing: "data:" + folder).materialize(options)
        #expect(data.classNames == ["cat", "dog", "emu"])
        #expect(data.target.tune.count == 6 && data.target.validation.count == 3 && data.target.test.count == 3)
        let raw = try #require(try UserData.load(folder).all).images
        // Every tuning image is one of the folder's images, normalized as (x - 0.5) / 0.25.
        for i in 0..<data.target.tune.count {
            let image = data.target.tune.image(i).pixels.map { $0 * 0.25 + 0.5 }
            #expect((0..<raw.count).contains { j in zip(raw.image(j).pixels, image).allSatisfy { abs($0 - $1) < 1e-6 } })
        }
        // train/ and val/ without test/: pooled (12 images, 4 per class) and split 2 / 1 / 1 per class.
        let split = try ShiftSpec(parsing: "data:" + UserDataFixtures.path("split")).materialize(ShiftOptions())
        #expect(split.target.tune.count == 6 && split.target.validation.count == 3 && split.target.test.count == 3)
    }
}
