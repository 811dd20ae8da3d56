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

/// Which implementation of the kernels runs: the fast ones (BLAS, oneDNN, vectorized loops),
/// the same without oneDNN (convolutions by im2col and BLAS GEMM), or the plain-Swift reference
/// loops that tests compare them with.
///
/// The default is `fast`, or what the `SCALPEL_BACKEND` environment variable names (`onednn`,
/// `blas` or `reference`); without oneDNN at build time `fast` runs the BLAS kernels.
public enum KernelBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    /// oneDNN convolutions and average pooling, BLAS GEMM, vectorized Swift loops.
    case fast = "onednn"
    /// Convolutions by im2col and the platform BLAS (OpenBLAS, Accelerate), Swift pooling; no oneDNN.
    case blas
    /// Plain loops with Double accumulation: slow, simple, what the others are tested against.
    case reference

    /// The backend of the current task: `environmentDefault` unless a `with(_:_:)` scope sets another.
    @TaskLocal public static var current: KernelBackend = environmentDefault

    /// The backend `SCALPEL_BACKEND` names; `fast` when it is unset or names none (see
    /// `environmentProblem`).
    public static let environmentDefault: KernelBackend = {
        guard let name = getenvString("SCALPEL_BACKEND"), !name.isEmpty else { return .fast }
        return KernelBackend(rawValue: name.lowercased()) ?? .fast
    }()

    /// What is wrong with `SCALPEL_BACKEND`, if it names no backend (a program reports it).
    public static var environmentProblem: String? {
        guard let name = getenvString("SCALPEL_BACKEND"), !name.isEmpty,
              KernelBackend(rawValue: name.lowercased()) == nil else { return nil }
        return "SCALPEL_BACKEND=\(name) names no kernel backend (expected one of "
            + allCases.map(\.rawValue).joined(separator: ", ") + "); using onednn"
    }

    /// Whether oneDNN is linked (the `fast` backend then uses it).
    public static var hasOneDNN: Bool {
        #if canImport(CScalpelDNNL)
        return true
        #else
        return false
        #endif
    }

    /// The name `SCALPEL_BACKEND` takes: `onednn`, `blas` or `reference`.
    public var description: String { rawValue }

    /// Runs `body` with the given backend.
    public static func with<R>(_ backend: KernelBackend, _ body: () throws -> R) rethrows -> R {
        try $current.withValue(backend) { try body() }
    }
}
