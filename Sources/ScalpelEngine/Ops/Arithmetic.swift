/// Elementwise arithmetic with broadcasting.
///
/// Forward `z = a ∘ b`; backward sums the gradient over broadcast dimensions:
/// - add: ∂a = g, ∂b = g
/// - sub: ∂a = g, ∂b = −g
/// - mul: ∂a = g·b, ∂b = g·a
/// - div: ∂a = g/b, ∂b = −g·a/b²

/// Applies `f` elementwise to `a` and `b` broadcast together (no autodiff).
@inline(__always)
func broadcastMap(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
    if a.shape == b.shape && a.format == b.format {
        let out = Tensor(uninitialized: a.shape, format: a.format)
        let pa = a.pointer, pb = b.pointer, po = out.pointer
        parallelFor(a.count) { r in for i in r { po[i] = f(pa[i], pb[i]) } }
        return out
    }
    guard let shape = broadcastShape(a.shape, b.shape) else {
        preconditionFailure("shapes \(a.shape) and \(b.shape) cannot be broadcast together")
    }
    let format: MemoryFormat = [a, b].contains { $0.format == .channelsLast && $0.shape == shape } ? .channelsLast : .contiguous
    let out = Tensor(uninitialized: shape, format: format)
    let plan = StridedPlan(outShape: shape, outFormat: format, operands: [a, b])
    let pa = a.pointer, pb = b.pointer
    var po = out.pointer
    plan.forEachRow { o, n, inner in
        let sa = inner[0], sb = inner[1]
        let xa = pa + o[0], xb = pb + o[1]
        if sa == 1 && sb == 1 {
            for i in 0..<n { po[i] = f(xa[i], xb[i]) }
        } else if sa == 1 && sb == 0 {
            let v = xb[0]
            for i in 0..<n { po[i] = f(xa[i], v) }
        } else if sa == 0 && sb == 1 {
            let v = xa[0]
            for i in 0..<n { po[i] = f(v, xb[i]) }
        } else {
            for i in 0..<n { po[i] = f(xa[i * sa], xb[i * sb]) }
        }
        po += n
    }
    return out
}

/// Applies `f` to every element, keeping the format (no autodiff).
@inline(__always)
func unaryMap(_ a: Tensor, _ f: (Float) -> Float) -> Tensor {
    let out = Tensor(uninitialized: a.shape, format: a.format)
    let pa = a.pointer, po = out.pointer
    parallelFor(a.count) { r in for i in r { po[i] = f(pa[i]) } }
    return out
}

extension Tensor {
    /// `self + other` without recording (used to accumulate gradients).
    func adding(_ other: Tensor) -> Tensor { broadcastMap(self, other, +) }

    /// `self += other` in place; `other` has the same shape (any format).
    func addInPlace(_ other: Tensor) {
        precondition(other.shape == shape, "addInPlace: \(other.shape) into \(shape)")
        let o = other.format == format ? other : other.converted(to: format)
        let p = pointer, q = o.pointer
        parallelFor(count) { r in for i in r { p[i] += q[i] } }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, +)
        recordOp("add", out, [a, b]) { g, needs in
            [needs[0] ? g.sumTo(a.shape) : nil, needs[1] ? g.sumTo(b.shape) : nil]
        }
        return out
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, -)
        recordOp("sub", out, [a, b]) { g, needs in
            [needs[0] ? g.sumTo(a.shape) : nil, needs[1] ? unaryMap(g, -).sumTo(b.shape) : nil]
        }
        return out
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, *)
        recordOp("mul", out, [a, b]) { g, needs in
            [needs[0] ? broadcastMap(g, b, *).sumTo(a.shape) : nil,
             needs[1] ? broadcastMap(g, a, *).sumTo(b.shape) : nil]
        }
        return out
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, /)
        recordOp("div", out, [a, b]) { g, needs in
            [needs[0] ? broadcastMap(g, b, /).sumTo(a.shape) : nil,
             needs[1] ? broadcastMap(broadcastMap(g, a, *), b) { x, y in -x / (y * y) }.sumTo(b.shape) : nil]
        }
        return out
    }

    public static prefix func - (a: Tensor) -> Tensor {
        let out = unaryMap(a, -)
        recordOp("neg", out, [a]) { g, _ in [unaryMap(g, -)] }
        return out
    }

    public static func + (a: Tensor, s: Float) -> Tensor {
        let out = unaryMap(a) { $0 + s }
        recordOp("add_scalar", out, [a]) { g, _ in [g] }
        return out
    }

    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }

    public static func * (a: Tensor, s: Float) -> Tensor {
        let out = unaryMap(a) { $0 * s }
        recordOp("mul_scalar", out, [a]) { g, _ in [unaryMap(g) { $0 * s }] }
        return out
    }

    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
}
