import Foundation

/// Pickle bytes assembled opcode by opcode, for cases torch.save never writes.
struct PickleWriter {
    var bytes: [UInt8] = [0x80, 0x02]

    mutating func op(_ code: UInt8, _ operand: [UInt8] = []) { bytes += [code] + operand }
    mutating func string(_ s: String) { op(0x58, le32(UInt32(s.utf8.count)) + Array(s.utf8)) }
    mutating func int(_ n: Int) {
        if let small = Int32(exactly: n) { op(0x4A, le32(UInt32(bitPattern: small))) } else { op(0x8A, [8] + le64(UInt64(bitPattern: Int64(n)))) }
    }
    mutating func global(_ module: String, _ name: String) { op(0x63, Array("\(module)\n\(name)\n".utf8)) }
    mutating func mark() { op(0x28) }
    mutating func tuple() { op(0x74) }
    mutating func stop() { op(0x2E) }

    /// `_rebuild_tensor_v2` of float32 storage `key` (of `count` elements) with the given view.
    /// Legacy files may name a view `(viewKey, offset, size)` of the storage instead of None.
    mutating func tensor(key: String, count: Int, offset: Int = 0, shape: [Int], strides: [Int], legacy: Bool = false,
                         view: (key: String, offset: Int, size: Int)? = nil) {
        global("torch._utils", "_rebuild_tensor_v2")
        mark()
        mark(); string("storage"); global("torch", "FloatStorage"); string(key); string("cpu"); int(count)
        if let view { mark(); string(view.key); int(view.offset); int(view.size); tuple() } else if legacy { op(0x4E) }
        tuple(); op(0x51)
        int(offset)
        mark(); for n in shape { int(n) }; tuple()
        mark(); for s in strides { int(s) }; tuple()
        op(0x89)
        global("collections", "OrderedDict"); op(0x29); op(0x52)
        tuple(); op(0x52)
    }

    /// `{name: tensor}` of one float32 tensor, then STOP.
    static func stateDict(_ name: String = "w", key: String = "0", count: Int, offset: Int = 0, shape: [Int], strides: [Int],
                          legacy: Bool = false) -> [UInt8] {
        var p = PickleWriter()
        p.op(0x7D)
        p.string(name)
        p.tensor(key: key, count: count, offset: offset, shape: shape, strides: strides, legacy: legacy)
        p.op(0x73)
        p.stop()
        return p.bytes
    }
}

func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

/// CRC-32 (the zip polynomial), bit by bit: small and slow, for test files only.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// A zip archive of stored entries written by hand; `declare` may falsify what the central
/// directory says (entry count, sizes) to build malformed archives.
/// With `zip64`, the directory gives every size and offset in ZIP64 extra fields, as for files
/// over 4 GiB.
func zipArchive(_ entries: [(name: String, data: [UInt8])], declaredCount: Int? = nil,
                declaredSize: ((Int) -> UInt32)? = nil, method: Int = 0, zip64: Bool = false) -> [UInt8] {
    var out: [UInt8] = [], directory: [UInt8] = []
    for (i, e) in entries.enumerated() {
        let offset = UInt32(out.count), crc = crc32(e.data), name = Array(e.name.utf8)
        let size = declaredSize?(i) ?? UInt32(e.data.count)
        let head = le16(20) + le16(0) + le16(method) + le32(0) + le32(crc)
        out += le32(0x0403_4B50) + head + le32(UInt32(e.data.count)) + le32(size) + le16(name.count) + le16(0) + name + e.data
        if zip64 {
            let extra = le16(1) + le16(24) + le64(UInt64(size)) + le64(UInt64(e.data.count)) + le64(UInt64(offset))
            directory += le32(0x0201_4B50) + le16(45) + head + le32(.max) + le32(.max) + le16(name.count) + le16(extra.count)
                + le16(0) + le16(0) + le16(0) + le32(0) + le32(.max) + name + extra
        } else {
            directory += le32(0x0201_4B50) + le16(20) + head + le32(UInt32(e.data.count)) + le32(size) + le16(name.count)
                + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
    }
    let count = declaredCount ?? entries.count
    let end = le32(0x0605_4B50) + le16(0) + le16(0) + le16(count) + le16(count) + le32(UInt32(directory.count))
        + le32(UInt32(out.count)) + le16(0)
    return out + directory + end
}

/// The three small pickles that start a legacy file (magic number, protocol 1001, little-endian).
let legacyPrefix: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E,
                             0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
    + [0x80, 0x02, 0x7D, 0x28, 0x58] + le32(13) + Array("little_endian".utf8) + [0x88, 0x75, 0x2E]

/// A legacy file: the prefix, `pickle`, the key list, then each storage with its element count.
func legacyFile(_ pickle: [UInt8], storages: [(key: String, floats: [Float])]) -> [UInt8] {
    var keys = PickleWriter()
    keys.op(0x5D); keys.mark()
    for s in storages { keys.string(s.key) }
    keys.op(0x65); keys.stop()
    var out = legacyPrefix + pickle + keys.bytes
    for s in storages { out += le64(UInt64(s.floats.count)) + s.floats.flatMap { le32($0.bitPattern) } }
    return out
}

/// A zip-format file: `archive/data.pkl`, `archive/byteorder` and each storage.
func zipFile(_ pickle: [UInt8], storages: [(key: String, floats: [Float])]) -> [UInt8] {
    zipArchive([("archive/data.pkl", pickle), ("archive/byteorder", Array("little".utf8))]
               + storages.map { ("archive/data/\($0.key)", $0.floats.flatMap { le32($0.bitPattern) }) })
}
