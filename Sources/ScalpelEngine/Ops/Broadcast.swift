/// Broadcasting of elementwise operations (NumPy/PyTorch rules), over either memory format.
///
/// The output is computed in its physical order; each operand is read through strides in that
/// order (0 along broadcast dimensions), so mixed layouts need no conversion.

/// The broadcast shape of two shapes, or nil when they are incompatible.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
    }
    return out
}

/// Logical strides of a tensor (element steps per logical dimension), honouring its format.
func logicalStrides(_ t: Tensor) -> [Int] {
    if t.format == .channelsLast {
        let (c, h, w) = (t.shape[1], t.shape[2], t.shape[3])
        return [h * w * c, 1, w * c, c]
    }
    return contiguousStrides(t.shape)
}

/// Iteration plan: output dims in physical order (coalesced), and per-operand strides.
struct StridedPlan {
    var dims: [Int]
    var strides: [[Int]]

    /// Plans reading `operands` (broadcast to `outShape`) in the physical order of `outFormat`.
    init(outShape: [Int], outFormat: MemoryFormat, operands: [Tensor]) {
        let r = outShape.count
        let perm = outFormat == .channelsLast ? [0, 2, 3, 1] : Array(0..<r)
        var strides: [[Int]] = []
        for t in operands {
            let ls = logicalStrides(t)
            var s = [Int](repeating: 0, count: r)
            let off = r - t.rank
            for i in 0..<t.rank where t.shape[i] != 1 { s[i + off] = ls[i] }
            strides.append(perm.map { s[$0] })
        }
        self.init(dims: perm.map { outShape[$0] }, strides: strides)
    }

    /// Plans reading operands with explicit (physical-order) strides over `dims`.
    init(dims: [Int], strides: [[Int]]) {
        // Drop size-1 dims, then merge neighbours that are contiguous for every operand.
        var d: [Int] = []
        var s: [[Int]] = strides.map { _ in [] }
        for i in dims.indices where dims[i] != 1 {
            if let last = d.indices.last,
               strides.indices.allSatisfy({ s[$0][last] == strides[$0][i] * dims[i] }) {
                d[last] *= dims[i]
                for k in strides.indices { s[k][last] = strides[k][i] }
            } else {
                d.append(dims[i])
                for k in strides.indices { s[k].append(strides[k][i]) }
            }
        }
        if d.isEmpty { d = [1]; s = s.map { _ in [0] } }
        self.dims = d
        self.strides = s
    }

    /// Elements in one innermost row.
    var rowLength: Int { dims[dims.count - 1] }
    /// Innermost rows (the product of the outer dims).
    var rowCount: Int { dims.dropLast().reduce(1, *) }

    /// Calls `body(offsets, innerCount, innerStrides)` once per innermost row of `rows`
    /// (all rows by default), in order.
    @inline(__always)
    func forEachRow(_ rows: Range<Int>? = nil, _ body: (_ offsets: [Int], _ n: Int, _ inner: [Int]) -> Void) {
        let r = dims.count
        let inner = strides.map { $0[r - 1] }
        let n = dims[r - 1]
        let rows = rows ?? 0..<rowCount
        // The multi-index over the outer dims of the first row, and its operand offsets.
        var index = [Int](repeating: 0, count: max(r - 1, 0))
        var offsets = [Int](repeating: 0, count: strides.count)
        var rest = rows.lowerBound
        for d in stride(from: r - 2, through: 0, by: -1) {
            index[d] = rest % dims[d]
            rest /= dims[d]
            for k in offsets.indices { offsets[k] += index[d] * strides[k][d] }
        }
        for _ in rows {
            body(offsets, n, inner)
            // Increment the multi-index over the outer dims.
            var d = r - 2
            while d >= 0 {
                index[d] += 1
                for k in offsets.indices { offsets[k] += strides[k][d] }
                if index[d] < dims[d] { break }
                for k in offsets.indices { offsets[k] -= strides[k][d] * dims[d] }
                index[d] = 0
                d -= 1
            }
        }
    }
}

extension Tensor {
    /// A contiguous tensor of `shape` whose elements are read from this one's storage in the
    /// order of `plan` (a plan with one operand whose dims multiply to `shape`'s count).
    func gathered(into shape: [Int], _ plan: StridedPlan) -> Tensor {
        let out = Tensor(uninitialized: shape)
        let src = pointer
        var dst = out.pointer
        plan.forEachRow { o, n, inner in
            let s = src + o[0], st = inner[0]
            for i in 0..<n { dst[i] = s[i * st] }
            dst += n
        }
        return out
    }

    /// Sums this tensor down to `target` shape (the adjoint of broadcasting to this shape).
    func sumTo(_ target: [Int]) -> Tensor {
        if target == shape { return self }
        let out = Tensor.zeros(target)
        // Strides of the (contiguous) output, seen from this tensor's logical dims.
        let r = rank
        var ts = [Int](repeating: 0, count: r)
        let cs = contiguousStrides(target)
        let off = r - target.count
        for i in 0..<target.count where target[i] != 1 { ts[i + off] = cs[i] }
        let perm = format == .channelsLast ? [0, 2, 3, 1] : Array(0..<r)
        let mine = logicalStrides(self)
        let plan = StridedPlan(dims: perm.map { shape[$0] }, strides: [perm.map { mine[$0] }, perm.map { ts[$0] }])
        let src = pointer, dst = out.pointer
        plan.forEachRow { o, n, inner in
            var si = o[0], di = o[1]
            if inner[1] == 0 {
                var acc: Float = 0
                for _ in 0..<n { acc += src[si]; si += inner[0] }
                dst[di] += acc
            } else {
                for _ in 0..<n { dst[di] += src[si]; si += inner[0]; di += inner[1] }
            }
        }
        return out
    }
}
