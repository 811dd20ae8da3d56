/// Reads little-endian fields from a byte array, every read bounds-checked.
struct ByteCursor {
    let bytes: [UInt8]
    /// The next byte to read.
    var position: Int
    /// Where reading must stop (exclusive).
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { max(0, end - position) }

    /// The next `n` bytes' range; throws when fewer remain.
    mutating func range(_ n: Int, _ what: @autoclosure () -> String) throws(Malformed) -> Range<Int> {
        guard n >= 0, n <= remaining else {
            throw Malformed("\(what()) (\(n) bytes at offset \(position)) runs past the end (\(remaining) bytes left)")
        }
        defer { position += n }
        return position..<(position + n)
    }

    mutating func u8(_ what: @autoclosure () -> String) throws(Malformed) -> UInt8 {
        bytes[try range(1, what()).lowerBound]
    }

    /// An unsigned little-endian integer of `n` (≤ 8) bytes.
    mutating func uint(_ n: Int, _ what: @autoclosure () -> String) throws(Malformed) -> UInt64 {
        let r = try range(n, what())
        var v: UInt64 = 0
        for i in r.reversed() { v = v << 8 | UInt64(bytes[i]) }
        return v
    }

    /// A signed little-endian integer of `n` (≤ 8) bytes.
    mutating func int(_ n: Int, _ what: @autoclosure () -> String) throws(Malformed) -> Int64 {
        let v = try uint(n, what())
        let shift = UInt64(64 - 8 * n)
        return Int64(bitPattern: v << shift) >> Int64(shift)
    }

    mutating func slice(_ n: Int, _ what: @autoclosure () -> String) throws(Malformed) -> ArraySlice<UInt8> {
        bytes[try range(n, what())]
    }
}

/// Reads an unsigned little-endian integer of `n` bytes at `offset` of `bytes` (bounds checked).
func readUInt(_ bytes: [UInt8], at offset: Int, _ n: Int, _ what: String) throws(Malformed) -> UInt64 {
    guard offset >= 0 else { throw Malformed("\(what) at negative offset \(offset)") }
    var c = ByteCursor(bytes, from: offset)
    return try c.uint(n, what)
}
