#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// SHA-256 (FIPS 180-4), fed incrementally.
///
/// Patches identify the checkpoint they were made from by its SHA-256, so applying one to any
/// other base can be refused. Implemented here rather than taken from swift-crypto, whose
/// BoringSSL build would add minutes to every clean build for this one function.
///
///     var h = SHA256Hasher()
///     h.update(bytes)          // any number of times
///     let hex = h.finalizeHex()
public struct SHA256Hasher: Sendable {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
    /// Bytes not yet compressed (fewer than 64).
    private var pending: [UInt8] = []
    /// Message length so far, in bytes.
    private var length: UInt64 = 0

    /// A hasher that has been fed nothing (the initial SHA-256 state).
    public init() { pending.reserveCapacity(64) }

    /// Feeds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if !pending.isEmpty {
            let take = min(64 - pending.count, remaining)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
            p += take
            remaining -= take
            guard pending.count == 64 else { return }
            let block = pending
            block.withUnsafeBytes { compress($0.baseAddress!) }
            pending.removeAll(keepingCapacity: true)
        }
        while remaining >= 64 {
            compress(p)
            p += 64
            remaining -= 64
        }
        if remaining > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: remaining)) }
    }

    /// Feeds bytes.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Feeds bytes.
    public mutating func update(_ data: Data) { data.withUnsafeBytes { update($0) } }

    /// The 32-byte digest of everything fed (pads a copy; `self` is unchanged).
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBytes { all in
            for offset in stride(from: 0, to: all.count, by: 64) { copy.compress(all.baseAddress! + offset) }
        }
        let words = [copy.h.0, copy.h.1, copy.h.2, copy.h.3, copy.h.4, copy.h.5, copy.h.6, copy.h.7]
        return words.flatMap { w in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: w >> UInt32($0)) } }
    }

    /// The digest as 64 lowercase hexadecimal digits.
    public func finalizeHex() -> String {
        finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// One 64-byte block.
    private mutating func compress(_ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 {
                w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
            }
            for t in 16..<64 {
                let (w2, w15) = (w[t - 2], w[t - 15])
                let s1 = w2.rotr(17) ^ w2.rotr(19) ^ (w2 >> 10)
                let s0 = w15.rotr(7) ^ w15.rotr(18) ^ (w15 >> 3)
                w[t] = s1 &+ w[t - 7] &+ s0 &+ w[t - 16]
            }
            var (a, b, c, d, e, f, g, hh) = h
            SHA256Hasher.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let t1 = hh &+ (e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
                    let t2 = (a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                    hh = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
        }
    }

    /// The round constants: the first 32 bits of the fractional parts of the cube roots of the
    /// first 64 primes (FIPS 180-4, Section 4.2.2).
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

/// SHA-256 of files and bytes, as lowercase hexadecimal (what `sha256sum` prints).
public enum FileHash {
    /// The SHA-256 of `bytes`.
    public static func sha256(_ bytes: Data) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// The SHA-256 of the file at `path`, read in chunks of `chunkSize` bytes so a file of any
    /// size hashes in constant memory.
    public static func sha256(ofFile path: String, chunkSize: Int = 1 << 20) throws -> String {
        precondition(chunkSize > 0, "chunkSize must be positive")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileHashError(path: path, reason: systemError()) }
        defer { _ = close(fd) }
        var hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileHashError(path: path, reason: systemError())
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hasher.finalizeHex()
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}

/// A file that could not be read for hashing.
public struct FileHashError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file that could not be opened or read.
    public let path: String
    /// The system's message (`strerror`).
    public let reason: String
    /// `<path>: cannot read for hashing: <reason>`.
    public var description: String { "\(path): cannot read for hashing: \(reason)" }
}

extension UInt32 {
    fileprivate func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
