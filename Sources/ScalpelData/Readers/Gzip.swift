internal import CScalpelZlib
import Foundation

/// Reading data files that may be gzip-compressed, and zlib's gzip/deflate streams.
public enum DataFile {
    /// The bytes of the file at `path`, gunzipped when the file starts with the gzip magic 1f 8b.
    public static func read(_ path: String) throws -> [UInt8] {
        let raw = try readRaw(path)
        return isGzip(raw) ? try gunzip(raw, file: path) : raw
    }

    /// The bytes of the file at `path`, as stored.
    public static func readRaw(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(.io, file: path, FileManager.default.fileExists(atPath: path)
                ? "cannot be read" : "no such file")
        }
        return [UInt8](data)
    }

    /// Whether `bytes` start with the gzip magic number 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The most bytes a compressed stream may expand to (1 GiB, far above the largest data set
    /// file Scalpel reads, 47 MB), so a decompression bomb is refused instead of filling memory.
    public static let maximumDecompressedBytes = 1 << 30

    /// Decompresses a gzip stream (one or more concatenated members) through zlib's inflate.
    /// A stream that ends early, fails its checksum or expands past `limit` bytes throws, naming `file`.
    public static func gunzip(_ input: [UInt8], file: String, limit: Int = maximumDecompressedBytes) throws -> [UInt8] {
        guard isGzip(input) else { throw DataError(.wrongMagic, file: file, "not a gzip stream (expected 1f 8b)") }
        var output = [UInt8]()
        output.reserveCapacity(min(input.count * 4, limit))
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper is required.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(.io, file: file, "zlib inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress!)
            stream.avail_in = uInt(inBuf.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: buffer[0..<(chunk - Int(stream.avail_out))])
                guard output.count <= limit else {
                    throw DataError(.badValue, file: file, "gzip data expands past \(limit) bytes (the decompression limit)")
                }
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (concatenated .gz files are valid gzip).
                    if stream.avail_in >= 2, stream.next_in[0] == 0x1f, stream.next_in[1] == 0x8b {
                        inflateReset(&stream)
                        continue
                    }
                    return
                case Z_OK:
                    if stream.avail_in == 0 && stream.avail_out != 0 {
                        throw DataError(.truncated, file: file, "gzip stream ends early after \(output.count) bytes")
                    }
                case Z_BUF_ERROR:
                    throw DataError(.truncated, file: file, "gzip stream ends early after \(output.count) bytes")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                    throw DataError(.badValue, file: file, "corrupt gzip data: \(message)")
                }
            }
        }
        return output
    }

    /// Compresses `bytes` as one gzip member (for writing test fixtures and caches).
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit failed")
        defer { deflateEnd(&stream) }
        return runDeflate(&stream, bytes)
    }

    /// Compresses `bytes` as a zlib stream (the format of a PNG's IDAT data).
    public static func zlibCompress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit failed")
        defer { deflateEnd(&stream) }
        return runDeflate(&stream, bytes)
    }

    /// Decompresses a zlib stream (e.g. a PNG's concatenated IDAT data).
    public static func zlibDecompress(_ input: [UInt8], file: String, limit: Int = maximumDecompressedBytes) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(.io, file: file, "zlib inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: buffer[0..<(buffer.count - Int(stream.avail_out))])
                guard output.count <= limit else {
                    throw DataError(.badValue, file: file, "zlib data expands past \(limit) bytes (the decompression limit)")
                }
                if status == Z_STREAM_END { return }
                if status == Z_OK, stream.avail_in > 0 || stream.avail_out == 0 { continue }
                if status == Z_OK || status == Z_BUF_ERROR {
                    throw DataError(.truncated, file: file, "zlib stream ends early after \(output.count) bytes")
                }
                throw DataError(.badValue, file: file, "corrupt zlib data (code \(status))")
            }
        }
        return output
    }

    /// zlib's CRC-32 of `bytes`, continuing from `crc`.
    public static func crc32(_ bytes: [UInt8], crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { b in
            UInt32(CScalpelZlib.crc32(uLong(crc), b.baseAddress, uInt(b.count)))
        }
    }

    private static func runDeflate(_ stream: inout z_stream, _ bytes: [UInt8]) -> [UInt8] {
        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var written = 0
        bytes.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib deflate did not finish (bound too small)")
                written = out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a rename.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw DataError(.io, file: path, "cannot write: \(error.localizedDescription)")
        }
    }
}
