/// Small dense linear algebra in Double for the theory experiments (matrices as row arrays).
enum LinearAlgebra {
    /// An orthonormal basis of the span of `vectors` by modified Gram–Schmidt, dropping vectors
    /// whose remaining norm is below `tolerance` × their original norm (linearly dependent ones).
    static func orthonormalBasis(_ vectors: [[Double]], tolerance: Double = 1e-10) -> [[Double]] {
        var basis: [[Double]] = []
        for v in vectors {
            var u = v
            for q in basis {  // twice, for numerical orthogonality
                let c = dot(q, u)
                for i in u.indices { u[i] -= c * q[i] }
            }
            for q in basis {
                let c = dot(q, u)
                for i in u.indices { u[i] -= c * q[i] }
            }
            let norm = dot(u, u).squareRoot()
            if norm > tolerance * max(dot(v, v).squareRoot(), 1e-300) { basis.append(u.map { $0 / norm }) }
        }
        return basis
    }

    /// min over v of (1/n)·‖Φ v − y‖² for features Φ (n rows) and targets y: the squared norm of
    /// y's component orthogonal to the column space of Φ, divided by n.
    static func leastSquaresResidual(features: [[Double]], targets y: [Double]) -> Double {
        let n = y.count
        guard n > 0, let width = features.first?.count else { return 0 }
        let columns = (0..<width).map { j in features.map { $0[j] } }
        var r = y
        for q in orthonormalBasis(columns) {
            let c = dot(q, r)
            for i in r.indices { r[i] -= c * q[i] }
        }
        return dot(r, r) / Double(n)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }
}

extension LinearAlgebra {
    /// The smoothness constant of the last-layer squared loss (1/n)‖Φv − y‖²: the largest
    /// eigenvalue of its Hessian 2ΦᵀΦ/n, by power iteration. Gradient descent on v is stable
    /// for steps below 2/L and monotone at 1/L.
    static func lastLayerSmoothness(features: [[Double]]) -> Double {
        guard let width = features.first?.count, width > 0 else { return 0 }
        let n = Double(features.count)
        var u = [Double](repeating: 1 / Double(width).squareRoot(), count: width)
        var lambda = 0.0
        for _ in 0..<200 {
            let phiU = features.map { dot($0, u) }
            var w = [Double](repeating: 0, count: width)
            for (row, s) in zip(features, phiU) { for j in 0..<width { w[j] += 2 * row[j] * s / n } }
            lambda = dot(w, w).squareRoot()
            guard lambda > 0 else { return 0 }
            u = w.map { $0 / lambda }
        }
        return lambda
    }
}
