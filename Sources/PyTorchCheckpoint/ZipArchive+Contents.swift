internal import CScalpelZlib

/// Reading one member of a zip archive: stored or deflated, never more than it declares.
extension ZipArchive {
    /// The uncompressed bytes of `entry`, checked against its size and CRC-32.
    func contents(of entry: Entry) throws(Malformed) -> [UInt8] {
        guard entry.size <= limits.maxEntryBytes else {
            throw Malformed("zip entry '\(entry.name)' declares \(entry.size) bytes (at most \(limits.maxEntryBytes) are read)")
        }
        let local = entry.localHeaderOffset
        guard try readUInt(bytes, at: local, 4, "local header of '\(entry.name)'") == 0x0403_4B50 else {
            throw Malformed("zip entry '\(entry.name)' has no local header at offset \(local)")
        }
        let nameLength = Int(try readUInt(bytes, at: local + 26, 2, "local header of '\(entry.name)'"))
        let extraLength = Int(try readUInt(bytes, at: local + 28, 2, "local header of '\(entry.name)'"))
        let start = local + 30 + nameLength + extraLength
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw Malformed("zip entry '\(entry.name)' (\(entry.compressedSize) bytes at \(start)) runs past the end of the file (\(bytes.count) bytes)")
        }
        let input = bytes[start..<(start + entry.compressedSize)]
        let output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw Malformed("stored zip entry '\(entry.name)' has sizes \(entry.compressedSize) and \(entry.size)")
            }
            output = Array(input)
        case 8:
            guard entry.size < Int(UInt32.max), entry.size / limits.maxDeflateRatio <= entry.compressedSize else {
                throw Malformed("zip entry '\(entry.name)' claims \(entry.size) bytes from \(entry.compressedSize) compressed (a zip bomb?)")
            }
            output = try inflateRaw(input, size: entry.size, name: entry.name)
        default:
            throw Malformed("zip entry '\(entry.name)' uses compression method \(entry.method) (only stored and deflated are read)")
        }
        let crc = output.withUnsafeBufferPointer { UInt32(CScalpelZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == entry.crc32 else {
            throw Malformed("zip entry '\(entry.name)' fails its CRC-32 check (corrupt data)")
        }
        return output
    }

    /// Inflates raw deflate data into exactly `size` bytes; more or fewer is an error.
    private func inflateRaw(_ input: ArraySlice<UInt8>, size: Int, name: String) throws(Malformed) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Malformed("zlib could not start inflating '\(name)'")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size + 1)  // one spare byte detects overlong streams
        let status: Int32 = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        let produced = output.count - Int(stream.avail_out)
        guard status == Z_STREAM_END, produced == size else {
            throw Malformed("zip entry '\(name)' inflates to \(produced)\(status == Z_STREAM_END ? "" : "+") bytes, declared \(size)")
        }
        output.removeLast()
        return output
    }
}
