import ArgumentParser
import Foundation
import ScalpelData

extension BenchCommand {
    /// `scalpel bench data PATH`: decode + preprocess throughput of a user data set.
    struct DataBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "data",
            abstract: "Images/s of reading a data path (decode + preprocess, as finetune --target does) and peak memory.",
            discussion: """
            Reads PATH --runs times (after one untimed read) and prints the median images/s and the process's \
            peak resident memory. scripts/bench_data_torch.py does the same with PIL, torchvision's \
            ImageFolder and a DataLoader (num_workers 0) for comparison.
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
            var count = 0
            var failure: Error?
            let read = {
                do {
                    let data = try UserData.load(path, preprocessing: preprocessing, options: userData.readOptions)
                    count = (data.all.map { [$0] } ?? Array(data.splits.values)).map(\.images.count).reduce(0, +)
                } catch { failure = error }
            }
            read()
            if let failure { throw failure }
            let samples = Measure.samples(warmup: 0, runs: runs) { Measure.seconds(read) }
            let peak = Measure.peakResidentBytes().map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "?"
            print(String(format: "%@: %d images, median %.3f s per read, %.0f images/s (1 thread); peak resident %@",
                         path, count, samples.median, Double(count) / samples.median, peak))
        }
    }
}
