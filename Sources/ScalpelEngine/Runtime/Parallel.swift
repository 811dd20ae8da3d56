#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization
#if canImport(CBLAS)
import CBLAS
#endif
#if canImport(CDNNL)
import CDNNL
#endif

/// Engine-wide settings: the number of threads used by every kernel (ours, BLAS and oneDNN).
///
/// One setting drives all three pools so that they never oversubscribe the cores. The default
/// is the `SCALPEL_THREADS` environment variable, or the number of active processors.
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
        #if canImport(CBLAS)
        openblas_set_num_threads(Int32(n))
        #endif
        #if canImport(CDNNL)
        omp_set_num_threads(Int32(n))
        #endif
    }

    static func defaultThreads() -> Int {
        if let s = getenvString("SCALPEL_THREADS"), let n = Int(s), n > 0 { return n }
        return ProcessInfoLite.activeProcessorCount
    }
}

func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
}

enum ProcessInfoLite {
    static var activeProcessorCount: Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks, one per thread.
///
/// Work smaller than `grain` items per thread runs serially on the caller's thread.
@inline(__always)
func parallelFor(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
    let threads = Engine.threads
    let chunks = min(threads, count / max(grain, 1))
    if chunks <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    let per = (count + chunks - 1) / chunks
    // The chunks finish before concurrentPerform returns, so `body` never escapes; the
    // kernels it runs write disjoint ranges.
    withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * per
            let hi = min(count, lo + per)
            if lo < hi { work.value(lo..<hi) }
        }
    }
}

/// Carries a value the compiler cannot prove thread-safe into a concurrent loop.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
