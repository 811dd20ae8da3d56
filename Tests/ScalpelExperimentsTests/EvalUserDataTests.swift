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
}
