#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization
#if canImport(CScalpelBLAS)
internal import CScalpelBLAS
#endif
#if canImport(CScalpelDNNL)
internal import CScalpelDNNL
#endif

/// Engine-wide settings: the number of threads used by every kernel (ours, BLAS and oneDNN).
///
/// One setting drives all three pools so that they never oversubscribe the cores. The default
/// is the `SCALPEL_THREADS` environment variable, or `availableProcessorCount`: the processors
/// this process may run on (its CPU affinity, at most its cgroup CPU quota rounded up).
public enum Engine {
    private static let threadCount = Atomic<Int>(0)

    /// Threads used by kernels.
    public static var threads: Int {
        let n = threadCount.load(ordering: .relaxed)
        if n > 0 { return n }
        let initial = defaultThreads()
        setThreads(initial)
        return initial
    }

    /// Sets the thread count of Scalpel's loops, of BLAS and of oneDNN's OpenMP pool.
    public static func setThreads(_ n: Int) {
        let n = max(1, n)
        threadCount.store(n, ordering: .relaxed)
        #if canImport(CScalpelBLAS)
        openblas_set_num_threads(Int32(n))
        #endif
        #if canImport(CScalpelDNNL)
        omp_set_num_threads(Int32(n))
        #endif
    }

    static func defaultThreads() -> Int {
        if let s = getenvString("SCALPEL_THREADS"), let n = Int(s), n > 0 { return n }
        return availableProcessorCount
    }
}

func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
}

/// Runs `body` over `0..<count` split into contiguous chunks, one per thread.
///
/// Work smaller than `grain` items per thread runs serially on the caller's thread.
///
/// The chunks run on oneDNN's OpenMP team when oneDNN is linked (`LoopPool.openMP`), else on
/// libdispatch. Two pools on two cores fight: after every oneDNN call libgomp's workers spin
/// for a while waiting for the next one, and a libdispatch worker started meanwhile competes
/// with a spinning thread for the core (perf: 23% of a training step in libgomp's spin loop).
/// On the OpenMP team the spinning worker is the one that picks up the next chunk.
@inline(__always)
func parallelFor(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
    let threads = Engine.threads
    let chunks = min(threads, count / max(grain, 1))
    if chunks <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    let per = (count + chunks - 1) / chunks
    // The chunks finish before the call returns, so `body` never escapes; the kernels it runs
    // write disjoint ranges.
    withoutActuallyEscaping(body) { body in
        #if canImport(CScalpelDNNL)
        if LoopPool.current == .openMP {
            OpenMPLoop(count: count, per: per, chunks: chunks, body: body).run(threads: chunks)
            return
        }
        #endif
        let work = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * per
            let hi = min(count, lo + per)
            if lo < hi { work.value(lo..<hi) }
        }
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks, one per engine thread, on the
/// same threads as the engine's own loops (`parallelFor`); below `grain` items per thread it
/// runs on the caller's thread. For elementwise loops outside the engine, such as the
/// optimizers' updates: each chunk must write only its own range.
public func parallelChunks(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
    parallelFor(count, grain: grain, body)
}

/// Which threads run `parallelFor`'s chunks.
enum LoopPool {
    case openMP, dispatch

    /// `SCALPEL_LOOP_POOL=dispatch` selects libdispatch (for comparisons); the default is the
    /// OpenMP team when oneDNN is linked.
    static let current: LoopPool = {
        #if canImport(CScalpelDNNL)
        return getenvString("SCALPEL_LOOP_POOL") == "dispatch" ? .dispatch : .openMP
        #else
        return .dispatch
        #endif
    }()
}

#if canImport(CScalpelDNNL)
/// One `parallelFor` on an OpenMP team: each team thread claims chunks from a shared counter
/// until none is left (a team smaller than asked for still runs every chunk).
private final class OpenMPLoop {
    let count: Int, per: Int, chunks: Int
    let body: (Range<Int>) -> Void
    let next = Atomic<Int>(0)

    init(count: Int, per: Int, chunks: Int, body: @escaping (Range<Int>) -> Void) {
        (self.count, self.per, self.chunks, self.body) = (count, per, chunks, body)
    }

    func run(threads: Int) {
        withExtendedLifetime(self) {
            GOMP_parallel(openMPLoopEntry, Unmanaged.passUnretained(self).toOpaque(), UInt32(threads), 0)
        }
    }

    func work() {
        while true {
            let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard c < chunks else { return }
            let lo = c * per
            let hi = min(count, lo + per)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// The C entry point every team thread calls with the loop.
private let openMPLoopEntry: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    Unmanaged<OpenMPLoop>.fromOpaque(context!).takeUnretainedValue().work()
}
#endif

/// Carries a value the compiler cannot prove thread-safe into a concurrent loop.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
