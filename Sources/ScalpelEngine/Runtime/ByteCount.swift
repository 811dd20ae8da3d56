/// Byte counts as Scalpel's environment settings take them (`SCALPEL_POOL_LIMIT`, and
/// `SCALPEL_DECODE_CACHE_MAX` through `UserDataOptions.byteCount(parsing:)`).
public enum ByteCount {
    /// The count `text` writes as digits, optionally followed by `K`, `M`, `G` or `T` (powers of
    /// 1024, either case; `2G` is 2·2³⁰); nil unless it is such a text of a count ≥ 0 that fits
    /// an `Int` (no sign, space, fraction or other suffix).
    public static func parse(_ text: String) -> Int? {
        var digits = Substring(text)
        var shift = 0
        if let last = digits.last, let s = ["K": 10, "M": 20, "G": 30, "T": 40][last.uppercased()] {
            shift = s
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(digits),
              value <= Int.max >> shift else { return nil }
        return value << shift
    }
}
