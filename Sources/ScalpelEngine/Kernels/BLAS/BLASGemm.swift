#if canImport(Accelerate)
import Accelerate
#elseif canImport(CScalpelBLAS)
internal import CScalpelBLAS
#endif

/// Row-major BLAS calls for the im2col kernels: always the platform BLAS (no reference
/// fallback, no kernel count), threaded by the BLAS library itself.
enum BLAS {
    /// C[m, n] = op(A)·op(B) + β·C, op(X) = X or Xᵀ; `lda`, `ldb`, `ldc` are row strides.
    @inline(__always)
    static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y[n] = Aᵀ·x for a row-major A[m, n] and x[m]: the column sums of A when x is all ones.
    @inline(__always)
    static func sgemvTransposed(m: Int, n: Int, a: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(m), Int32(n), 1, a, Int32(n), x, 1, 0, y, 1)
    }
}
