import ArgumentParser
import Foundation
import ScalpelData

/// Flags for the user's own data: `--target PATH` (beside `--shift`), a corruption of it, and
/// the preprocessing that turns its images into model inputs.
struct UserDataFlags: ParsableArguments {
    @Option(name: .long, help: "Your target data: an image folder ROOT/<class>/<image>, a split folder (train/ val/ test/), .npz, .safetensors, images.npy + labels.npy, or a path,label .csv (see docs/data.md).")
    var target: String?

    @Option(name: .customLong("source"), help: "Your source data (same formats as --target), for the source sets of a --target shift.")
    var sourcePath: String?

    @Option(name: .long, help: "Corrupt the --target images: NAME:SEVERITY, e.g. gaussian_noise:5 (the paper's corruptions).")
    var corrupt: String?

    @Option(name: .long, help: "Channels of the model input: 1 (gray) or 3 (RGB); default: the checkpoint's.")
    var channels: Int?

    @Option(name: .long, help: "Resize the shorter side to this many pixels (bilinear, antialiased, as torchvision).")
    var resize: Int?

    @Option(name: .long, help: "Center crop: SIZE or HEIGHT,WIDTH.")
    var crop: String?

    @Option(name: .long, help: "Per-channel means to subtract (comma-separated, after scaling to [0, 1]).")
    var mean: String?

    @Option(name: .long, help: "Per-channel standard deviations to divide by (comma-separated).")
    var std: String?

    @Flag(name: .customLong("skip-bad-images"), help: "Skip (and count) images that do not decode instead of stopping.")
    var skipBadImages = false

    /// The preprocessing flags as given (unset fields nil).
    func preprocessingFlags() throws -> Preprocessing {
        let cropSizes: [Int]? = try crop.map {
            let v: [Int] = try parseList($0, flag: "--crop")
            guard v.count == 1 || v.count == 2 else { throw ValidationError("--crop: expected SIZE or HEIGHT,WIDTH, got '\($0)'") }
            return v.count == 1 ? [v[0], v[0]] : v
        }
        let p = Preprocessing(channels: channels, resize: resize, crop: cropSizes,
                              mean: try mean.map { try parseList($0, flag: "--mean") },
                              std: try std.map { try parseList($0, flag: "--std") })
        do { try p.validate(source: "flags") } catch let e as DataError {
            throw ValidationError("--\(e.detail)")
        }
        return p
    }

    /// The checkpoint's recorded preprocessing (`scalpel.preprocess.*`), its input channels as
    /// the default channel count, overridden by the flags.
    func preprocessing(checkpointMetadata: [String: String], checkpoint: String, inChannels: Int) throws -> Preprocessing {
        var recorded = try Preprocessing(metadata: checkpointMetadata, file: checkpoint)
        if recorded.channels == nil { recorded.channels = inChannels }
        return recorded.overridden(by: try preprocessingFlags())
    }

    /// The shift: `--shift SPEC`, or `--target PATH` (with `--source`, `--corrupt`) as a `data:` spec.
    func shiftSpec(shift: String?) throws -> ShiftSpec {
        switch (shift, target) {
        case (nil, nil): throw ValidationError("give --shift SPEC or --target PATH")
        case (_?, _?): throw ValidationError("give either --shift or --target, not both")
        case (let s?, nil):
            if corrupt != nil || sourcePath != nil { throw ValidationError("--corrupt and --source go with --target") }
            return try ShiftSpec(parsing: s)
        case (nil, let t?):
            var text = "data:\(t)" + (sourcePath.map { ":source=\($0)" } ?? "")
            if let corrupt { text += ":corrupt=\(corrupt)" }
            do { return try ShiftSpec(parsing: text) } catch let e as DataError {
                throw ValidationError("--target/--corrupt: \(e.detail)")
            }
        }
    }

    /// Checks the environment before any work: `SCALPEL_DECODE_CACHE_MAX`.
    func validate() throws {
        _ = try Self.decodeCacheCap(environment: ProcessInfo.processInfo.environment)
    }

    /// The decode cache's cap from `SCALPEL_DECODE_CACHE_MAX` in `environment`: bytes, or with a
    /// K, M, G or T suffix (powers of 1024); nil when unset or empty (the default, 20 GiB).
    static func decodeCacheCap(environment: [String: String]) throws -> Int? {
        guard let text = environment["SCALPEL_DECODE_CACHE_MAX"], !text.isEmpty else { return nil }
        guard let bytes = UserDataOptions.byteCount(parsing: text) else {
            throw ValidationError("SCALPEL_DECODE_CACHE_MAX: expected a positive number of bytes, optionally with a " +
                                  "K, M, G or T suffix (powers of 1024, e.g. 50G), got '\(text)'")
        }
        return bytes
    }

    /// Options for reading the user's files: decoded images cached under `<data directory>/cache`
    /// (`$SCALPEL_DATA`, else ~/.cache/scalpel) unless `SCALPEL_NO_DECODE_CACHE=1`, that directory
    /// capped at `SCALPEL_DECODE_CACHE_MAX` (default 20 GiB).
    var readOptions: UserDataOptions { readOptions(dataDirectory: nil) }

    /// `readOptions` with the decode cache in `dataDirectory` (nil: the default data directory).
    func readOptions(dataDirectory: String?) -> UserDataOptions {
        let environment = ProcessInfo.processInfo.environment
        let off = environment["SCALPEL_NO_DECODE_CACHE"].map { !$0.isEmpty && $0 != "0" } ?? false
        // `validate()` refused a malformed cap before any work, so `try?` only meets valid ones.
        let cap = (try? Self.decodeCacheCap(environment: environment)) ?? nil
        return UserDataOptions(skipBadImages: skipBadImages,
                               cacheDirectory: off ? nil : UserDataOptions.decodeCacheDirectory(in: DataStore(directory: dataDirectory)),
                               cacheMaxBytes: cap ?? UserDataOptions.defaultCacheMaxBytes)
    }
}
