#if canImport(Accelerate)
import Accelerate
#elseif canImport(CScalpelBLAS)
internal import CScalpelBLAS
#endif

/// C = α·op(A)·op(B) + β·C for row-major matrices; op(X) = X or Xᵀ.
///
/// A is M×K after op, B is K×N after op, C is M×N; `lda`, `ldb`, `ldc` are the row strides
/// of the stored matrices. Runs BLAS `sgemm` on the fast backend and a plain loop on the
/// reference backend.
func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
          alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
          b: UnsafePointer<Float>, ldb: Int,
          beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    KernelStats.record("gemm")
    if KernelBackend.current == .reference {
        referenceGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                      a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The reference GEMM: a triple loop with Double accumulation.
func referenceGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                   a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                   beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    for i in 0..<m {
        for j in 0..<n {
            var acc: Double = 0
            for p in 0..<k {
                let x = transA ? a[p * lda + i] : a[i * lda + p]
                let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                acc += Double(x) * Double(y)
            }
            let prior = beta == 0 ? 0 : beta * c[i * ldc + j]
            c[i * ldc + j] = alpha * Float(acc) + prior
        }
    }
}
