/// The central directory of a zip archive (PyTorch's checkpoint container since 1.6), read by
/// hand: the end-of-central-directory record (ZIP64 when present, which PyTorch always writes),
/// then each entry. Entries are stored or deflated; sizes, counts and offsets are checked
/// against the file before anything is read or allocated.
struct ZipArchive {
    /// One member of the archive.
    struct Entry {
        let name: String
        /// 0 stored, 8 deflated (anything else is refused when read).
        let method: UInt16
        let compressedSize: Int
        let size: Int
        let crc32: UInt32
        let localHeaderOffset: Int
    }

    /// Caps on what an archive may declare.
    struct Limits {
        var maxEntries = 1 << 20
        /// The largest entry (uncompressed) that may be read.
        var maxEntryBytes = 1 << 36
        /// A deflated entry may not expand more than this (deflate's own maximum is about 1032).
        var maxDeflateRatio = 1100
    }

    let bytes: [UInt8]
    let entries: [Entry]
    let index: [String: Int]
    let limits: Limits

    /// Whether `bytes` start like a zip archive (a local file header).
    static func looksLikeZip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    init(_ bytes: [UInt8], limits: Limits = Limits()) throws(Malformed) {
        self.bytes = bytes
        self.limits = limits
        let (count, directory) = try Self.centralDirectory(bytes)
        guard count <= limits.maxEntries else {
            throw Malformed("zip archive declares \(count) entries (at most \(limits.maxEntries) are read)")
        }
        guard directory.lowerBound >= 0, directory.upperBound <= bytes.count, count * 46 <= directory.count else {
            throw Malformed("zip central directory (\(count) entries at \(directory)) does not fit in the file (\(bytes.count) bytes)")
        }
        var cursor = ByteCursor(bytes, from: directory.lowerBound, to: directory.upperBound)
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        entries.reserveCapacity(count)
        for n in 0..<count {
            let entry = try Self.readEntry(&cursor, number: n, fileSize: bytes.count)
            guard index[entry.name] == nil else { throw Malformed("zip entry '\(entry.name)' appears twice") }
            index[entry.name] = entries.count
            entries.append(entry)
        }
        self.entries = entries
        self.index = index
    }

    /// The entry count and byte range of the central directory.
    private static func centralDirectory(_ bytes: [UInt8]) throws(Malformed) -> (Int, Range<Int>) {
        guard bytes.count >= 22 else { throw Malformed("zip archive too short (\(bytes.count) bytes) for its end record") }
        var eocd = -1
        var at = bytes.count - 22
        let stop = max(0, bytes.count - 22 - 65535)
        while at >= stop {
            if bytes[at] == 0x50, bytes[at + 1] == 0x4B, bytes[at + 2] == 0x05, bytes[at + 3] == 0x06 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else { throw Malformed("zip end-of-central-directory record not found (truncated archive?)") }
        var count = Int(try readUInt(bytes, at: eocd + 10, 2, "zip entry count"))
        var size = Int(try readUInt(bytes, at: eocd + 12, 4, "zip directory size"))
        var offset = Int(try readUInt(bytes, at: eocd + 16, 4, "zip directory offset"))
        let locator = eocd - 20
        if locator >= 0, try readUInt(bytes, at: locator, 4, "zip64 locator") == 0x0706_4B50 {
            let record64 = try readUInt(bytes, at: locator + 8, 8, "zip64 record offset")
            guard record64 <= UInt64(bytes.count) else { throw Malformed("zip64 end record offset \(record64) is past the end of the file") }
            let r = Int(record64)
            guard try readUInt(bytes, at: r, 4, "zip64 end record") == 0x0606_4B50 else {
                throw Malformed("zip64 end record not found at offset \(r)")
            }
            let count64 = try readUInt(bytes, at: r + 32, 8, "zip64 entry count")
            let size64 = try readUInt(bytes, at: r + 40, 8, "zip64 directory size")
            let offset64 = try readUInt(bytes, at: r + 48, 8, "zip64 directory offset")
            let cap = UInt64(bytes.count)
            guard count64 <= cap, size64 <= cap, offset64 <= cap else {
                throw Malformed("zip64 end record declares \(count64) entries, \(size64) bytes at \(offset64): more than the file holds")
            }
            (count, size, offset) = (Int(count64), Int(size64), Int(offset64))
        }
        guard offset <= bytes.count, size <= bytes.count - offset else {
            throw Malformed("zip central directory at \(offset) (\(size) bytes) runs past the end of the file (\(bytes.count) bytes)")
        }
        return (count, offset..<(offset + size))
    }

    private static func readEntry(_ c: inout ByteCursor, number n: Int, fileSize: Int) throws(Malformed) -> Entry {
        let what = "zip directory entry \(n)"
        guard try c.uint(4, what) == 0x0201_4B50 else { throw Malformed("\(what) has a bad signature") }
        _ = try c.uint(4, what)  // versions
        let flags = try c.uint(2, what)
        let method = UInt16(try c.uint(2, what))
        _ = try c.uint(4, what)  // time, date
        let crc = UInt32(try c.uint(4, what))
        var compressed = try c.uint(4, what)
        var size = try c.uint(4, what)
        let nameLength = Int(try c.uint(2, what))
        let extraLength = Int(try c.uint(2, what))
        let commentLength = Int(try c.uint(2, what))
        _ = try c.uint(8, what)  // disk, attributes
        var local = try c.uint(4, what)
        let nameBytes = try c.slice(nameLength, "\(what)'s name")
        guard let name = String(validating: nameBytes, as: UTF8.self) else { throw Malformed("\(what)'s name is not UTF-8") }
        var extra = ByteCursor(c.bytes, from: c.position, to: c.position + extraLength)
        _ = try c.range(extraLength, "\(what)'s extra field")
        _ = try c.range(commentLength, "\(what)'s comment")
        // ZIP64 extended information: the 64-bit values of the fields saturated at 0xFFFFFFFF.
        while extra.remaining >= 4 {
            let id = try extra.uint(2, "zip extra field"), length = Int(try extra.uint(2, "zip extra field"))
            var field = ByteCursor(extra.bytes, from: extra.position, to: min(extra.end, extra.position + length))
            _ = try extra.range(length, "zip extra field of '\(name)'")
            guard id == 0x0001 else { continue }
            if size == 0xFFFF_FFFF { size = try field.uint(8, "zip64 size of '\(name)'") }
            if compressed == 0xFFFF_FFFF { compressed = try field.uint(8, "zip64 compressed size of '\(name)'") }
            if local == 0xFFFF_FFFF { local = try field.uint(8, "zip64 offset of '\(name)'") }
        }
        guard flags & 1 == 0 else { throw Malformed("zip entry '\(name)' is encrypted") }
        let cap = UInt64(Int.max / 2)
        guard size <= cap, compressed <= UInt64(fileSize), local <= UInt64(fileSize) else {
            throw Malformed("zip entry '\(name)' declares sizes \(compressed)/\(size) at offset \(local) beyond the file (\(fileSize) bytes)")
        }
        return Entry(name: name, method: method, compressedSize: Int(compressed), size: Int(size), crc32: crc,
                     localHeaderOffset: Int(local))
    }
}
