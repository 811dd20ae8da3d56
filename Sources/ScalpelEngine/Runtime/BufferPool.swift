#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A caching allocator for tensor buffers.
///
/// Training loops allocate the same sizes step after step; returning freed buffers to a
/// per-size free list avoids the page faults of fresh `mmap`s (PyTorch loses 30-60% to them
/// on this machine with glibc's default heap). Buffers are 64-byte aligned (one cache line,
/// one AVX-512 vector). Sizes are rounded up so nearby sizes share lists.
///
/// The pool keeps at most `limitBytes` idle (BufferPool+Limit.swift: by default a quarter of
/// the memory the process may use, physical or its cgroup's limit, at most 6 GiB). A buffer released when keeping it would exceed the limit
/// is freed at once; the buffers already idle stay. Acquire and release stay one lock and one
/// dictionary operation, and a training loop's steady state (the same sizes every step) is kept
/// whole as long as it fits. Idle buffers of sizes no longer asked for are only freed by
/// `trim()`.
public final class BufferPool: Sendable {
    /// The pool every tensor allocates from. Its idle limit is `SCALPEL_POOL_LIMIT` (a byte count,
    /// optionally with a K, M, G or T suffix) when that is set and valid, else
    /// `defaultLimitBytes`: a malformed value is not trapped on here but ignored, so a program
    /// should refuse it first with `limitFromEnvironment()` (the `scalpel` CLI does).
    public static let shared = BufferPool(limitBytes: ((try? limitFromEnvironment()) ?? nil) ?? defaultLimitBytes)

    private struct State {
        var free: [Int: [UInt]] = [:]  // addresses, so the state stays Sendable
        var idleBytes = 0
        var liveBytes = 0
        var peakLiveBytes = 0
    }
    private let state = Mutex(State())
    /// Upper bound on idle cached bytes.
    public let limitBytes: Int

    /// A pool keeping at most `limitBytes` bytes of idle buffers (default `defaultLimitBytes`:
    /// min(6 GiB, usable memory / 4)); 0 keeps none. Precondition: `limitBytes` ≥ 0.
    public init(limitBytes: Int = BufferPool.defaultLimitBytes) {
        precondition(limitBytes >= 0, "BufferPool: limitBytes must be ≥ 0, got \(limitBytes)")
        self.limitBytes = limitBytes
    }

    /// Rounds a float count up to the pool's size class.
    static func sizeClass(_ count: Int) -> Int {
        let c = max(count, 1)
        if c <= 4096 { return (c + 15) & ~15 }           // 64-byte steps
        if c <= 1 << 20 { return (c + 1023) & ~1023 }     // 4 KiB steps
        return (c + 16383) & ~16383                       // 64 KiB steps
    }

    /// Returns an uninitialized buffer of at least `count` floats and its capacity.
    func acquire(_ count: Int) -> (UnsafeMutablePointer<Float>, Int) {
        let capacity = Self.sizeClass(count)
        let bytes = capacity * MemoryLayout<Float>.stride
        let reused: UInt? = state.withLock { s in
            s.liveBytes += bytes
            s.peakLiveBytes = max(s.peakLiveBytes, s.liveBytes)
            guard var list = s.free[capacity], let p = list.popLast() else { return nil }
            s.free[capacity] = list
            s.idleBytes -= bytes
            return p
        }
        if let address = reused, let p = UnsafeMutablePointer<Float>(bitPattern: address) { return (p, capacity) }
        var raw: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&raw, 64, bytes) == 0, let p = raw else {
            fatalError("Scalpel: out of memory allocating \(bytes) bytes")
        }
        return (p.bindMemory(to: Float.self, capacity: capacity), capacity)
    }

    /// Returns a buffer to the pool, or to the system when keeping it would put more than
    /// `limitBytes` idle.
    func release(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let bytes = capacity * MemoryLayout<Float>.stride
        let address = UInt(bitPattern: pointer)
        let keep = state.withLock { s -> Bool in
            s.liveBytes -= bytes
            guard s.idleBytes + bytes <= limitBytes else { return false }
            s.free[capacity, default: []].append(address)
            s.idleBytes += bytes
            return true
        }
        if !keep { free(pointer) }
    }

    /// Frees every idle buffer.
    public func trim() {
        let lists = state.withLock { s -> [[UInt]] in
            let l = Array(s.free.values)
            s.free = [:]
            s.idleBytes = 0
            return l
        }
        for list in lists { for address in list { free(UnsafeMutableRawPointer(bitPattern: address)) } }
    }

    /// Bytes held by live tensors now, and the most held at once since the last reset.
    public var statistics: (liveBytes: Int, peakLiveBytes: Int, idleBytes: Int) {
        state.withLock { ($0.liveBytes, $0.peakLiveBytes, $0.idleBytes) }
    }

    /// Sets the peak of live bytes to the bytes live now, so `statistics` reports the peak from here on.
    public func resetPeak() { state.withLock { $0.peakLiveBytes = $0.liveBytes } }
}

/// The memory behind a tensor: a pooled, 64-byte-aligned Float buffer.
final class Storage {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int
    let count: Int

    init(count: Int) {
        (pointer, capacity) = BufferPool.shared.acquire(count)
        self.count = count
    }

    deinit { BufferPool.shared.release(pointer, capacity: capacity) }
}
