import ArgumentParser
import Foundation
import ScalpelData

extension BenchCommand {
    /// `scalpel bench data PATH`: decode + preprocess throughput of a user data set.
    struct DataBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "data",
            abstract: "Images/s of reading a data path (decode + preprocess, and from the decode cache) and peak memory.",
            discussion: """
            Reads PATH --runs times without the decode cache (every image decoded and preprocessed), then once \
            through the cache in $SCALPEL_DATA/cache (filling it when missing) and --runs times from it, and \
            prints the median images/s of both, the bytes the decoded set holds (uint8) and the process's peak \
            resident memory. scripts/bench_data_torch.py does the same with PIL, torchvision's ImageFolder and a \
            DataLoader (num_workers 0) for comparison.
            """)

        @Argument(help: "An image folder, split folder, .npz, .safetensors, .npy pair or .csv.")
        var path: String

        @OptionGroup var userData: UserDataFlags

        @Option(name: .long, help: "Timed reads.")
        var runs = 3

        func validate() throws {
            guard runs > 0 else { throw ValidationError("--runs must be positive, got \(runs)") }
            _ = try userData.preprocessingFlags()
        }

        func run() throws {
            let preprocessing = try userData.preprocessingFlags()
            var count = 0, held = 0
            var failure: Error?
            func read(_ options: UserDataOptions) {
                do {
                    let data = try UserData.load(path, preprocessing: preprocessing, options: options)
                    let sets = (data.all.map { [$0] } ?? Array(data.splits.values)).map(\.images)
                    count = sets.map(\.count).reduce(0, +)
                    held = sets.map(\.storedByteCount).reduce(0, +)
                } catch { failure = error }
            }
            var uncached = userData.readOptions
            uncached.cacheDirectory = nil
            let decode = Measure.samples(warmup: 0, runs: runs) { Measure.seconds { read(uncached) } }
            if let failure { throw failure }
            print(String(format: "%@: %d images (%.0f MB as uint8)", path, count, Double(held) / 1_048_576))
            print(String(format: "  decode + preprocess: median %.3f s per read, %.0f images/s (1 thread)",
                         decode.median, Double(count) / decode.median))
            let cached = userData.readOptions
            if cached.cacheDirectory != nil {
                read(cached)  // fills the cache when missing
                let hit = Measure.samples(warmup: 0, runs: runs) { Measure.seconds { read(cached) } }
                if let failure { throw failure }
                print(String(format: "  from the decode cache: median %.3f s per read, %.0f images/s, %.1f× decoding",
                             hit.median, Double(count) / hit.median, decode.median / hit.median))
            } else {
                print("  decode cache off (SCALPEL_NO_DECODE_CACHE)")
            }
            let peak = Measure.peakResidentBytes().map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "?"
            print("  peak resident \(peak)")
        }
    }
}
