/// Which draw of the target split (tune / validation / test examples) each fine-tuning seed uses:
/// the spec's `split_seed`.
///
/// - `fixed(s)`: every seed fine-tunes on the same draw, made with seed `s` (an integer in the
///   spec; the default is `fixed(0)`). The seeds then differ only in initialisation order and
///   shuffling, so their spread measures the training's noise, not the data's.
/// - `perSeed`: seed `k` fine-tunes on the draw made with seed `k` (`split_seed: per-seed`), so the
///   standard error over seeds includes which examples were drawn. At small target sizes this is
///   the larger part: at 5 examples per class three draws put block1 − all anywhere from −2.0 to
///   +5.9 points on our corruptions, where the seeds of one draw trained identically
///   (docs/results/data-efficiency.md).
///
/// A run's key holds the split seed it used, so a `per-seed` run of seed `k` is the same run as a
/// `fixed(k)` run of seed `k` and is found again by either spec.
public enum SplitSeed: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The same draw, made with this seed, for every fine-tuning seed.
    case fixed(UInt64)
    /// Each fine-tuning seed draws its own split with its own value.
    case perSeed

    /// The word that selects `perSeed` in a spec.
    public static let perSeedWord = "per-seed"

    /// The spec's text: the integer, or `per-seed`.
    public var description: String {
        switch self {
        case .fixed(let value): "\(value)"
        case .perSeed: Self.perSeedWord
        }
    }

    /// Reads an integer ≥ 0 or the word `per-seed`; anything else is a decoding error naming both.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(UInt64.self) {
            self = .fixed(value)
            return
        }
        let text = try? container.decode(String.self)
        guard text == Self.perSeedWord else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an integer ≥ 0 or \(Self.perSeedWord), found \(text.map { "'\($0)'" } ?? "another value")")
        }
        self = .perSeed
    }

    /// Writes the integer, or the word `per-seed`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .fixed(let value): try container.encode(value)
        case .perSeed: try container.encode(Self.perSeedWord)
        }
    }
}
