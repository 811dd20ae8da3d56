import Synchronization

/// Counts kernel invocations by name within a scope, so tests can prove that work was skipped
/// (for example, that no convolution backward runs below the first trainable layer).
///
/// ```swift
/// let (_, counts) = KernelStats.counting { loss.backward() }
/// counts["conv2d.backward_data"]  // nil when no convolution propagated a gradient
/// ```
public enum KernelStats {
    /// Collects the counts of one `counting` scope.
    final class Recorder: Sendable {
        let counts = Mutex<[String: Int]>([:])
    }

    @TaskLocal static var recorder: Recorder? = nil

    /// Records one call of `kernel` in the enclosing `counting` scope, if any.
    @inline(__always)
    static func record(_ kernel: String) {
        guard let recorder else { return }
        recorder.counts.withLock { $0[kernel, default: 0] += 1 }
    }

    /// Runs `body` and returns its result with the number of calls of each kernel it made.
    public static func counting<R>(_ body: () throws -> R) rethrows -> (R, [String: Int]) {
        let r = Recorder()
        let result = try $recorder.withValue(r) { try body() }
        return (result, r.counts.withLock { $0 })
    }
}

/// Which implementation of the kernels runs: the fast ones (BLAS, oneDNN, vectorized loops)
/// or the plain-Swift reference loops that tests compare them with.
public enum KernelBackend: Sendable {
    case fast
    case reference

    @TaskLocal public static var current: KernelBackend = .fast

    /// Runs `body` with the given backend.
    public static func with<R>(_ backend: KernelBackend, _ body: () throws -> R) rethrows -> R {
        try $current.withValue(backend) { try body() }
    }
}
