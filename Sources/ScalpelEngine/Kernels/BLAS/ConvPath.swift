/// Which kernels run a convolution, from the current `KernelBackend`: oneDNN, im2col with BLAS
/// GEMM, or the reference loops. The first two take and produce channels-last activations.
enum ConvPath {
    case oneDNN, blas, reference

    /// The path of `KernelBackend.current`; `fast` without oneDNN at build time is `blas`.
    static var current: ConvPath {
        switch KernelBackend.current {
        case .reference: return .reference
        case .blas: return .blas
        case .fast: return KernelBackend.hasOneDNN ? .oneDNN : .blas
        }
    }

    /// Whether activations are channels-last on this path (both fast paths).
    var isChannelsLast: Bool { self != .reference }
}
