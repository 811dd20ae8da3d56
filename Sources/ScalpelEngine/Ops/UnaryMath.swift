#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise functions and their derivatives.
extension Tensor {
    /// y = eˣ; ∂x = g·y.
    public func exp() -> Tensor {
        let out = unaryMap(self) { expf($0) }
        let y = out.detached()
        recordOp("exp", out, [self]) { g, _ in [broadcastMap(g, y, Mul())] }
        return out
    }

    /// y = ln x; ∂x = g/x.
    public func log() -> Tensor {
        let out = unaryMap(self) { logf($0) }
        recordOp("log", out, [self]) { g, _ in [broadcastMap(g, self, Div())] }
        return out
    }

    /// y = √x; ∂x = g/(2y).
    public func sqrt() -> Tensor {
        let out = unaryMap(self) { $0.squareRoot() }
        let y = out.detached()
        recordOp("sqrt", out, [self]) { g, _ in [broadcastMap(g, y) { a, b in a / (2 * b) }] }
        return out
    }

    /// y = x²; ∂x = 2g·x.
    public func square() -> Tensor {
        let out = unaryMap(self) { $0 * $0 }
        recordOp("square", out, [self]) { g, _ in [broadcastMap(g, self) { a, b in 2 * a * b }] }
        return out
    }

    /// y = |x|; ∂x = g·sign(x) (0 at x = 0, as in PyTorch).
    public func abs() -> Tensor {
        let out = unaryMap(self) { Swift.abs($0) }
        recordOp("abs", out, [self]) { g, _ in
            [broadcastMap(g, self) { a, b in b > 0 ? a : (b < 0 ? -a : 0) }]
        }
        return out
    }
}
