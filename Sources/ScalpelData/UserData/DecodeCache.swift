#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ScalpelNN
internal import CScalpelZlib

/// Decoded images on disk, so a second read of the same files decodes nothing: one file per
/// (files, labels, geometric preprocessing), `<directory>/<key>.u8`, holding the uint8 samples
/// after channel conversion, resize and crop (not the mean/std normalization).
///
/// The key is the SHA-256 of the format version, the geometric preprocessing, the pixel cap,
/// the class names and, for every image in order, its path relative to the data set, its label,
/// its size and its contents — so a changed, added, removed, renamed or relabeled file gives a
/// new key (contents, not modification times: a copied or re-extracted folder still hits, an
/// edited file of unchanged size still misses).
///
/// Layout (little-endian): magic `SCALPLU8`, version `UInt32` (1), reserved `UInt32` (0),
/// `N`, `C`, `H`, `W`, class count (`UInt64` each), the 32-byte key, `N` labels (`UInt32`), the
/// `N·C·H·W` samples (NCHW), and the CRC-32 of labels and samples. A reader checks every field
/// against what it expects and the file's size and CRC; anything else is not trusted.
enum DecodeCache {
    static let magic = Array("SCALPLU8".utf8)
    static let version: UInt32 = 1
    static let headerSize = 8 + 4 + 4 + 5 * 8 + 32

    /// The cache key (64 hex digits) of `items` read from `source` with `geometry` and `maxPixels`.
    static func key(items: [(file: String, label: Int)], classNames: [String], source: String, geometry: Preprocessing,
                    maxPixels: Int) throws -> (hex: String, digest: [UInt8]) {
        var hasher = SHA256Hasher()
        func feed(_ text: String) { hasher.update(Array(text.utf8)) }
        feed("scalpel decode cache v\(version)\nchannels \(geometry.channels ?? 0) resize \(geometry.resize ?? 0) " +
             "crop \(geometry.crop ?? []) maxPixels \(maxPixels)\nclasses \(classNames.count)\n")
        for name in classNames { feed(name + "\u{0}") }
        var isDirectory: ObjCBool = false
        let base = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) && isDirectory.boolValue
            ? source : (source as NSString).deletingLastPathComponent
        for (file, label) in items {
            let relative = file.hasPrefix(base + "/") ? String(file.dropFirst(base.count + 1)) : file
            let contents = try DataFile.readRaw(file)
            feed("\(relative)\u{0}\(label)\u{0}\(contents.count)\u{0}")
            hasher.update(contents)
        }
        return (hasher.finalizeHex(), hasher.finalize())
    }

    /// The cached set at `path` if it holds exactly `labels` (and so `labels.count` images) under
    /// `digest`, its file marked as just used (`markUsed`); nil with a warning when the file is
    /// there but not trustworthy.
    static func read(_ path: String, digest: [UInt8], labels: [Int], classCount: Int) -> ImageSet? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let set = try readChecked(path, digest: digest, labels: labels, classCount: classCount)
            markUsed(path)
            return set
        } catch {
            Shell.log("ignoring the decode cache: \(error); decoding again")
            return nil
        }
    }

    private static func readChecked(_ path: String, digest: [UInt8], labels: [Int], classCount: Int) throws -> ImageSet {
        func bad(_ detail: String) -> DataError { DataError(.badValue, file: path, detail) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DataError(.io, file: path, "cannot be opened") }
        defer { _ = close(fd) }
        let size = Int(lseek(fd, 0, SEEK_END))
        _ = lseek(fd, 0, SEEK_SET)
        guard size >= headerSize else { throw DataError(.truncated, file: path, "\(size) bytes, shorter than the header") }
        var header = [UInt8](repeating: 0, count: headerSize)
        try header.withUnsafeMutableBytes { try readFully(fd, into: $0, path: path) }
        guard Array(header[0..<8]) == magic else { throw DataError(.wrongMagic, file: path, "not a decode cache file") }
        func word(_ at: Int) -> UInt64 { header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) } }
        let fileVersion = header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) }
        guard fileVersion == version else { throw bad("version \(fileVersion), expected \(version)") }
        let (n, c, h, w, k) = (word(16), word(24), word(32), word(40), word(48))
        guard Array(header[56..<88]) == digest else { throw bad("key differs from its name") }
        guard n == UInt64(labels.count) else { throw DataError(.sizeMismatch, file: path, "\(n) images, expected \(labels.count)") }
        guard c == 1 || c == 3, (1...16384).contains(h), (1...16384).contains(w), k == UInt64(classCount) else {
            throw bad("header \(n)×\(c)×\(h)×\(w), \(k) classes is not a valid set of \(classCount) classes")
        }
        let imageSize = Int(c * h * w), count = labels.count
        let (samples, overflow) = count.multipliedReportingOverflow(by: imageSize)
        guard !overflow, size == headerSize + 4 * count + samples + 4 else {
            throw DataError(.truncated, file: path, "\(size) bytes; the header announces \(headerSize + 4 * count + samples + 4)")
        }
        var stored = [UInt32](repeating: 0, count: count)
        try stored.withUnsafeMutableBytes { try readFully(fd, into: $0, path: path) }
        guard zip(stored, labels).allSatisfy({ Int(UInt32(littleEndian: $0)) == $1 }) else { throw bad("labels differ") }
        let pixels = try [UInt8](unsafeUninitializedCapacity: samples) { buffer, initialized in
            try readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), path: path)
            initialized = samples
        }
        var crcBytes = [UInt8](repeating: 0, count: 4)
        try crcBytes.withUnsafeMutableBytes { try readFully(fd, into: $0, path: path) }
        let crc = crcBytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        guard crc == checksum(labels: stored, pixels: pixels) else { throw bad("CRC-32 mismatch (the file is damaged)") }
        return ImageSet(bytes: pixels, labels: labels, channels: Int(c), height: Int(h), width: Int(w), classCount: classCount)
    }

    /// Writes `set` (uint8-backed) to `path` under `digest`: to a temporary file, then renamed;
    /// then evicts the least recently used other files of the directory beyond `maxBytes`
    /// (`evict`). A set whose file alone would take more than `maxBytes` is not written (a log
    /// line says so). Failure is a warning, never an error: the cache only saves time.
    static func write(_ set: ImageSet, to path: String, digest: [UInt8], maxBytes: Int) {
        guard let stored = set.bytes else { return }
        let directory = (path as NSString).deletingLastPathComponent
        guard let size = fileSize(of: set), size <= maxBytes else {
            Shell.log("not caching the decoded images: their file would take \(byteText(fileSize(of: set) ?? .max)), " +
                      "more than the decode cache's cap of \(byteText(maxBytes))")
            return
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DataError(.io, file: temporary, "cannot be created") }
            var header = magic
            func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { header += $0 } }
            put(version)
            put(UInt32(0))
            for v in [set.count, set.channels, set.height, set.width, set.classCount] { put(UInt64(v)) }
            header += digest
            let labels = set.labels.map { UInt32($0).littleEndian }
            let crc = checksum(labels: labels, pixels: stored.samples).littleEndian
            let written = Result { () throws -> Void in
                try header.withUnsafeBytes { try writeFully(fd, $0, path: temporary) }
                try labels.withUnsafeBytes { try writeFully(fd, $0, path: temporary) }
                try stored.samples.withUnsafeBytes { try writeFully(fd, $0, path: temporary) }
                try withUnsafeBytes(of: crc) { try writeFully(fd, $0, path: temporary) }
            }
            _ = close(fd)
            try written.get()
            guard rename(temporary, path) == 0 else { throw DataError(.io, file: path, "cannot be written") }
            evict(in: directory, maxBytes: maxBytes, keeping: (path as NSString).lastPathComponent)
        } catch {
            _ = unlink(temporary)
            Shell.log("could not write the decode cache (\(error)); the next read decodes again")
        }
    }

    /// CRC-32 of the labels' bytes, then the samples, in chunks of 1 GiB.
    static func checksum(labels: [UInt32], pixels: [UInt8]) -> UInt32 {
        func update(_ crc: uLong, _ bytes: UnsafeRawBufferPointer) -> uLong {
            var crc = crc
            for start in stride(from: 0, to: bytes.count, by: 1 << 30) {
                let n = min(bytes.count - start, 1 << 30)
                crc = CScalpelZlib.crc32(crc, bytes.baseAddress!.advanced(by: start).assumingMemoryBound(to: Bytef.self), uInt(n))
            }
            return crc
        }
        let crc = labels.withUnsafeBytes { update(0, $0) }
        return UInt32(pixels.withUnsafeBytes { update(crc, $0) })
    }

    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws {
        var done = 0
        while done < buffer.count {
            let n = systemRead(fd, buffer.baseAddress! + done, min(buffer.count - done, 1 << 30))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw DataError(.truncated, file: path, "ends early") }
            done += n
        }
    }

    private static func writeFully(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < buffer.count {
            let n = systemWrite(fd, buffer.baseAddress! + done, min(buffer.count - done, 1 << 30))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw DataError(.io, file: path, "cannot be written") }
            done += n
        }
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
