import Foundation

/// How decoded images become a model's input, in torchvision's order and with its rules:
/// channel conversion (PIL's `convert("L")` / `convert("RGB")`), scaling to [0, 1] (`ToTensor`),
/// resize of the shorter side (`Resize(n, antialias=True)` on that tensor), center crop
/// (`CenterCrop`), then per-channel normalization `(x - mean[c]) / std[c]` (`Normalize`).
///
/// A checkpoint records the values under `scalpel.preprocess.*` (see `metadata`), so a later run
/// reads them back instead of asking the user again.
public struct Preprocessing: Sendable, Equatable {
    /// The channel count of the output: 1 (gray) or 3 (RGB); `nil` keeps each image's own
    /// (without alpha), which must then agree across the data set.
    public var channels: Int?
    /// The length of the shorter side after resizing (the longer side keeps the aspect ratio,
    /// `int(resize × long / short)`); `nil` keeps the size.
    public var resize: Int?
    /// The center crop, `[height, width]`; `nil` for none.
    public var crop: [Int]?
    /// Per-channel means subtracted after scaling; one value applies to every channel.
    public var mean: [Float]?
    /// Per-channel standard deviations divided by after subtracting the mean.
    public var std: [Float]?

    /// Creates a preprocessing; every field defaults to "unchanged".
    public init(channels: Int? = nil, resize: Int? = nil, crop: [Int]? = nil, mean: [Float]? = nil,
                std: [Float]? = nil) {
        self.channels = channels
        self.resize = resize
        self.crop = crop
        self.mean = mean
        self.std = std
    }

    /// Checks the values: channels 1 or 3, sizes positive and at most 16384, a crop of one or two
    /// sizes, mean and std of 1 or `channels` values, std nonzero. Errors name `source` (a flag
    /// set or a checkpoint) and the field.
    public func validate(source: String) throws {
        func bad(_ field: String, _ detail: String) -> DataError { DataError(.invalidSpec, file: source, "\(field): \(detail)") }
        if let c = channels, c != 1 && c != 3 { throw bad("channels", "\(c); expected 1 (gray) or 3 (RGB)") }
        if let r = resize, !(1...16384).contains(r) { throw bad("resize", "\(r); expected 1...16384") }
        if let c = crop {
            guard c.count == 2, c.allSatisfy({ (1...16384).contains($0) }) else {
                throw bad("crop", "\(c); expected [height, width] in 1...16384")
            }
        }
        for (name, values) in [("mean", mean), ("std", std)] {
            guard let values else { continue }
            guard !values.isEmpty, values.count == 1 || values.count == 3 || values.count == channels,
                  values.allSatisfy(\.isFinite) else {
                throw bad(name, "\(values); expected one finite value or one per channel")
            }
        }
        if let s = std, s.contains(0) { throw bad("std", "\(s) contains 0") }
        if (mean == nil) != (std == nil) { throw bad(mean == nil ? "mean" : "std", "mean and std go together") }
    }

    /// The checkpoint metadata keys and values, `scalpel.preprocess.<field>`; unset fields are left out.
    public var metadata: [String: String] {
        var out = [String: String]()
        func list<T>(_ v: [T]) -> String { v.map { "\($0)" }.joined(separator: ",") }
        if let channels { out["scalpel.preprocess.channels"] = "\(channels)" }
        if let resize { out["scalpel.preprocess.resize"] = "\(resize)" }
        if let crop { out["scalpel.preprocess.crop"] = list(crop) }
        if let mean { out["scalpel.preprocess.mean"] = list(mean) }
        if let std { out["scalpel.preprocess.std"] = list(std) }
        return out
    }

    /// Reads the values back from checkpoint `metadata` (keys as written by `metadata`); `file`
    /// names the checkpoint in errors. Missing keys stay `nil`.
    public init(metadata: [String: String], file: String) throws {
        func ints(_ key: String) throws -> [Int]? {
            guard let text = metadata["scalpel.preprocess." + key] else { return nil }
            let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
                throw DataError(.badValue, file: file, "metadata scalpel.preprocess.\(key) = '\(text)' is not integers")
            }
            return values.map { $0! }
        }
        func floats(_ key: String) throws -> [Float]? {
            guard let text = metadata["scalpel.preprocess." + key] else { return nil }
            let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
                throw DataError(.badValue, file: file, "metadata scalpel.preprocess.\(key) = '\(text)' is not numbers")
            }
            return values.map { $0! }
        }
        self.init(channels: try ints("channels")?.first, resize: try ints("resize")?.first, crop: try ints("crop"),
                  mean: try floats("mean"), std: try floats("std"))
        try validate(source: file)
    }

    /// These values with every field set in `overrides` replacing this one's.
    public func overridden(by overrides: Preprocessing) -> Preprocessing {
        Preprocessing(channels: overrides.channels ?? channels, resize: overrides.resize ?? resize,
                      crop: overrides.crop ?? crop, mean: overrides.mean ?? mean, std: overrides.std ?? std)
    }
}
