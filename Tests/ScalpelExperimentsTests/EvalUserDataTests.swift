import Foundation
import Testing
import SafeTensors
import ScalpelData

/// `eval --input FOLDER` runs your data in batches of 500 held as uint8, and gives the logits and
/// loss of the same images given as one `input` tensor (exactly on a batch of the same rows); a
/// second run reads the decode cache under `$SCALPEL_DATA/cache` instead of decoding.
@Suite struct EvalUserDataTests {
    func scalpel(_ arguments: [String], data: String) throws -> (Int32, String) {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        return try SweepFixtures.run(binary, arguments, environment: ["SCALPEL_DATA": data, "SCALPEL_NO_DECODE_CACHE": ""])
    }

    @Test func aFolderOfMoreThanOneBatchGivesTheLogitsOfOneTensor() throws {
        let dir = SweepFixtures.tempDir("eval-folder")
        let checkpoint = try SweepFixtures.prepare(dir)
        // 520 gray 28×28 images in 2 classes (sorted file order = label order within a class).
        let count = 520, side = 28
        var pixels = [Float](), labels = [Int64]()
        for label in 0..<2 {
            try FileManager.default.createDirectory(atPath: "\(dir)/folder/c\(label)", withIntermediateDirectories: true)
            for i in 0..<(count / 2) {
                let bytes = (0..<(side * side)).map { UInt8(truncatingIfNeeded: ($0 * (i + 3) + 17 * label + i) % 251) }
                try Data(PNGEncoder.encode(width: side, height: side, channels: 1, pixels: bytes))
                    .write(to: URL(fileURLWithPath: String(format: "%@/folder/c%d/%04d.png", dir, label, i)))
                pixels += bytes.map { Float($0) / 255 }
                labels.append(Int64(label))
            }
        }
        try SafeTensors.write(["input": .floats(pixels, shape: [count, 1, side, side]), "labels": .int64s(labels, shape: [count])],
                              to: dir + "/input.safetensors")
        let data = dir + "/store"
        var results = [[String: [Float]]]()
        for (input, out) in [(dir + "/input.safetensors", "tensor"), (dir + "/folder", "folder"), (dir + "/folder", "again")] {
            let (status, text) = try scalpel(["eval", "--checkpoint", checkpoint, "--input", input, "--labels",
                                              "--out", "\(dir)/\(out).safetensors"], data: data)
            #expect(status == 0, "\(text)")
            #expect(text.contains("cache hit") == (out == "again"), "\(text)")
            let file = try SafeTensorsFile(contentsOf: "\(dir)/\(out).safetensors")
            results.append(["logits": try file.floats("logits"), "loss": try file.floats("loss")])
        }
        let whole = try #require(results[0]["logits"]), streamed = try #require(results[1]["logits"])
        #expect(whole.count == count * 10 && streamed.count == count * 10)
        // The first batch is the same 500 rows: the same numbers. The last 20 rows go through a
        // matrix product of another row count, which may sum in another order: within rounding.
        #expect(Array(streamed[..<5000]) == Array(whole[..<5000]))
        #expect(zip(streamed, whole).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        #expect(abs(results[1]["loss"]![0] - results[0]["loss"]![0]) <= 1e-6)
        #expect(results[2] == results[1], "the cached read gives the same numbers")
        let cached = try FileManager.default.contentsOfDirectory(atPath: data + "/cache")
        #expect(cached.count == 1 && cached[0].hasSuffix(".u8"))
    }

    /// `SCALPEL_DECODE_CACHE_MAX`: a malformed value stops the command before it reads anything;
    /// a cap smaller than the decoded set leaves the set uncached, with a line saying why.
    @Test func theDecodeCacheCapIsCheckedFirstAndKeptTo() throws {
        let binary = try #require(SweepFixtures.executable(), "build the scalpel executable first (swift build)")
        let dir = SweepFixtures.tempDir("eval-cache-cap")
        let checkpoint = try SweepFixtures.prepare(dir)
        for i in 0..<4 {
            try FileManager.default.createDirectory(atPath: "\(dir)/folder/c\(i / 2)", withIntermediateDirectories: true)
            let bytes = (0..<(28 * 28)).map { UInt8(truncatingIfNeeded: $0 * (i + 5)) }
            try Data(PNGEncoder.encode(width: 28, height: 28, channels: 1, pixels: bytes))
                .write(to: URL(fileURLWithPath: "\(dir)/folder/c\(i / 2)/\(i).png"))
        }
        let data = dir + "/store", out = dir + "/out.safetensors"
        func eval(cap: String) throws -> (status: Int32, text: String) {
            try SweepFixtures.run(binary, ["eval", "--checkpoint", checkpoint, "--input", dir + "/folder", "--out", out],
                                  environment: ["SCALPEL_DATA": data, "SCALPEL_NO_DECODE_CACHE": "", "SCALPEL_DECODE_CACHE_MAX": cap])
        }
        let (refused, message) = try eval(cap: "20 GB")
        #expect(refused == 64, "\(message)")
        #expect(message.contains("SCALPEL_DECODE_CACHE_MAX: expected a positive number of bytes") && message.contains("'20 GB'"),
                "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: data))
        // 4 images of 28×28: a cache file of 88 + 16 + 3136 + 4 bytes, more than 3K.
        let (status, text) = try eval(cap: "3K")
        #expect(status == 0, "\(text)")
        #expect(text.contains("not caching the decoded images") && text.contains("cap of 3.0 KiB"), "\(text)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: data + "/cache")) ?? []).isEmpty)
        let (again, cachedText) = try eval(cap: "4K")
        #expect(again == 0 && !cachedText.contains("not caching"), "\(cachedText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data + "/cache").count == 1)
    }
}
