internal import CScalpelZlib
import Foundation

/// Reader for NumPy `.npz` archives: a ZIP file whose entries `<name>.npy` are stored or
/// deflated (`numpy.savez` / `savez_compressed`), including the ZIP64 size fields numpy writes.
///
/// Layout read: the end-of-central-directory record (signature 50 4B 05 06, within the last
/// 65,557 bytes), the central directory (50 4B 01 02 per entry: method, sizes, local-header
/// offset), and each local header (50 4B 03 04) to find the data. Every size is checked against
/// the file and against `maxEntryBytes` before anything is inflated.
public enum NPZArchive {
    /// The largest uncompressed entry read: 2 GiB (zlib counts in 32 bits).
    public static let maxEntryBytes = Int(Int32.max)

    /// The arrays of the archive at `path`, by entry name without `.npy`.
    public static func read(_ path: String, maxEntryBytes: Int = maxEntryBytes) throws -> [String: NPY.Array] {
        let bytes = try DataFile.readRaw(path)
        var arrays = [String: NPY.Array]()
        for entry in try centralDirectory(bytes, file: path) {
            guard entry.name.hasSuffix(".npy") else { continue }
            let where_ = "\(path) (entry \(entry.name))"
            guard entry.size <= maxEntryBytes else {
                throw DataError(.badValue, file: where_, "\(entry.size) bytes uncompressed, more than the limit of \(maxEntryBytes)")
            }
            let data = try contents(of: entry, in: bytes, file: where_)
            arrays[String(entry.name.dropLast(4))] = try NPY.parse(data, file: where_)
        }
        return arrays
    }

    struct Entry {
        var name: String
        var method: Int
        var compressedSize: Int
        var size: Int
        var localOffset: Int
    }

    static func u16(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> Int { u16(b, o) | u16(b, o + 2) << 16 }
    static func u64(_ b: [UInt8], _ o: Int) -> Int {
        let v = UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32
        return v > UInt64(Int.max) ? Int.max : Int(v)
    }

    static func centralDirectory(_ b: [UInt8], file: String) throws -> [Entry] {
        guard b.count >= 22 else { throw DataError(.truncated, file: file, "\(b.count) bytes, too short for a .npz (ZIP) archive") }
        guard b.prefix(4) == [0x50, 0x4B, 0x03, 0x04] else { throw DataError(.wrongMagic, file: file, "not a .npz (ZIP) archive") }
        var end = -1
        for o in stride(from: b.count - 22, through: max(0, b.count - 65_557), by: -1)
        where b[o] == 0x50 && b[o + 1] == 0x4B && b[o + 2] == 5 && b[o + 3] == 6 { end = o; break }
        guard end >= 0 else { throw DataError(.truncated, file: file, "no ZIP end-of-central-directory record") }
        let count = u16(b, end + 10)
        var offset = u32(b, end + 16)
        if offset == 0xFFFF_FFFF, end >= 20, u32(b, end - 20) == 0x0706_4B50 {  // ZIP64 locator
            let record = u64(b, end - 12)
            guard record <= b.count - 56, u32(b, record) == 0x0606_4B50 else {
                throw DataError(.badValue, file: file, "ZIP64 end record outside the file")
            }
            offset = u64(b, record + 48)
        }
        var entries = [Entry]()
        for _ in 0..<count {
            guard offset <= b.count - 46, u32(b, offset) == 0x0201_4B50 else {
                throw DataError(.badValue, file: file, "ZIP central directory entry \(entries.count) is damaged or outside the file")
            }
            let nameLength = u16(b, offset + 28), extraLength = u16(b, offset + 30), commentLength = u16(b, offset + 32)
            let next = offset + 46 + nameLength + extraLength + commentLength
            guard next <= b.count else { throw DataError(.truncated, file: file, "ZIP central directory ends early") }
            let name = String(decoding: b[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            var entry = Entry(name: name, method: u16(b, offset + 10), compressedSize: u32(b, offset + 20),
                              size: u32(b, offset + 24), localOffset: u32(b, offset + 42))
            // ZIP64 extra field (id 1): the 64-bit values of the fields that read 0xFFFFFFFF, in order.
            var e = offset + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(b, e), length = u16(b, e + 2)
                guard e + 4 + length <= extraEnd else { break }
                if id == 1 {
                    var f = e + 4
                    if entry.size == 0xFFFF_FFFF, f + 8 <= e + 4 + length { entry.size = u64(b, f); f += 8 }
                    if entry.compressedSize == 0xFFFF_FFFF, f + 8 <= e + 4 + length { entry.compressedSize = u64(b, f); f += 8 }
                    if entry.localOffset == 0xFFFF_FFFF, f + 8 <= e + 4 + length { entry.localOffset = u64(b, f) }
                }
                e += 4 + length
            }
            entries.append(entry)
            offset = next
        }
        return entries
    }

    static func contents(of entry: Entry, in b: [UInt8], file: String) throws -> [UInt8] {
        let o = entry.localOffset
        guard o <= b.count - 30, u32(b, o) == 0x0403_4B50 else {
            throw DataError(.badValue, file: file, "local header missing at offset \(o)")
        }
        let start = o + 30 + u16(b, o + 26) + u16(b, o + 28)
        guard entry.compressedSize <= b.count - start else {
            throw DataError(.truncated, file: file, "\(entry.compressedSize) data bytes announced at offset \(start), " +
                            "the file has \(b.count)")
        }
        let data = b[start..<(start + entry.compressedSize)]
        switch entry.method {
        case 0:
            guard entry.size == entry.compressedSize else { throw DataError(.sizeMismatch, file: file, "stored entry sizes differ") }
            return Array(data)
        case 8:
            // Deflate expands at most about 1032:1; a larger announced size is a lie (or a bomb).
            guard entry.size <= entry.compressedSize * 1032 + 64 else {
                throw DataError(.badValue, file: file, "\(entry.size) bytes announced from \(entry.compressedSize) deflated bytes")
            }
            return try inflateRaw(data, size: entry.size, file: file)
        default: throw DataError(.unsupported, file: file, "ZIP compression method \(entry.method); stored (0) and deflate (8) are read")
        }
    }

    /// Inflates raw deflate `data` that must produce exactly `size` bytes.
    static func inflateRaw(_ data: ArraySlice<UInt8>, size: Int, file: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(.io, file: file, "zlib inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size + 1)  // one spare byte detects overlong data
        let input = Array(data)
        let status: Int32 = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        let produced = output.count - Int(stream.avail_out)
        guard status == Z_STREAM_END else {
            if status == Z_DATA_ERROR { throw DataError(.badValue, file: file, "corrupt deflate data") }
            throw DataError(produced > size ? .sizeMismatch : .truncated, file: file,
                            "deflate data gives \(produced > size ? "more than" : "only") \(min(produced, size)) of \(size) bytes")
        }
        guard produced == size else { throw DataError(.sizeMismatch, file: file, "inflated to \(produced) bytes, \(size) announced") }
        output.removeLast()
        return output
    }
}
