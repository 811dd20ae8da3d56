/// Elementwise arithmetic with broadcasting.
///
/// Forward `z = a ∘ b`; backward sums the gradient over broadcast dimensions:
/// - add: ∂a = g, ∂b = g
/// - sub: ∂a = g, ∂b = −g
/// - mul: ∂a = g·b, ∂b = g·a
/// - div: ∂a = g/b, ∂b = −g·a/b²

extension Tensor {
    /// `self + other` without recording (used to accumulate gradients).
    func adding(_ other: Tensor) -> Tensor { broadcastMap(self, other, Add()) }

    /// `self += other` in place; `other` has the same shape (any format).
    func addInPlace(_ other: Tensor) {
        precondition(other.shape == shape, "addInPlace: \(other.shape) into \(shape)")
        let o = other.format == format ? other : other.converted(to: format)
        let p = pointer, q = o.pointer
        parallelFor(count) { r in for i in r { p[i] += q[i] } }
    }

    /// Elementwise sum with broadcasting: z = a + b; ∂a = g, ∂b = g, each summed back to its own shape.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, Add())
        recordOp("add", out, [a, b]) { g, needs in
            [needs[0] ? g.sumTo(a.shape) : nil, needs[1] ? g.sumTo(b.shape) : nil]
        }
        return out
    }

    /// Elementwise difference with broadcasting: z = a − b; ∂a = g, ∂b = −g, each summed back to its own shape.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, Sub())
        recordOp("sub", out, [a, b]) { g, needs in
            [needs[0] ? g.sumTo(a.shape) : nil, needs[1] ? unaryMap(g, Negate()).sumTo(b.shape) : nil]
        }
        return out
    }

    /// Elementwise product with broadcasting: z = a·b; ∂a = g·b, ∂b = g·a, each summed back to its own shape.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, Mul())
        recordOp("mul", out, [a, b]) { g, needs in
            [needs[0] ? broadcastMap(g, b, Mul()).sumTo(a.shape) : nil,
             needs[1] ? broadcastMap(g, a, Mul()).sumTo(b.shape) : nil]
        }
        return out
    }

    /// Elementwise quotient with broadcasting: z = a/b; ∂a = g/b, ∂b = −g·a/b², each summed back to its
    /// own shape. Division by zero follows IEEE 754 (±inf or NaN); nothing is checked.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastMap(a, b, Div())
        recordOp("div", out, [a, b]) { g, needs in
            [needs[0] ? broadcastMap(g, b, Div()).sumTo(a.shape) : nil,
             needs[1] ? broadcastMap(broadcastMap(g, a, Mul()), b) { x, y in -x / (y * y) }.sumTo(b.shape) : nil]
        }
        return out
    }

    /// Elementwise negation: z = −a; ∂a = −g.
    public static prefix func - (a: Tensor) -> Tensor {
        let out = unaryMap(a, Negate())
        recordOp("neg", out, [a]) { g, _ in [unaryMap(g, Negate())] }
        return out
    }

    /// Adds the scalar `s` to every element: z = a + s; ∂a = g.
    public static func + (a: Tensor, s: Float) -> Tensor {
        let out = unaryMap(a, AddScalar(s: s))
        recordOp("add_scalar", out, [a]) { g, _ in [g] }
        return out
    }

    /// Subtracts the scalar `s` from every element: z = a − s; ∂a = g.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// Adds the scalar `s` to every element: z = s + a; ∂a = g.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// The scalar `s` minus every element: z = s − a; ∂a = −g.
    public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }

    /// Multiplies every element by the scalar `s`: z = s·a; ∂a = s·g.
    public static func * (a: Tensor, s: Float) -> Tensor {
        let out = unaryMap(a, MulScalar(s: s))
        recordOp("mul_scalar", out, [a]) { g, _ in [unaryMap(g, MulScalar(s: s))] }
        return out
    }

    /// Multiplies every element by the scalar `s`: z = s·a; ∂a = s·g.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// Divides every element by the scalar `s`, computed as a·(1/s): z = a/s; ∂a = g/s.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
}
