#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// ReLU: y = max(x, 0); ∂x = g·[y > 0].
    public func relu() -> Tensor {
        let out = unaryMap(self, ReLU())
        let y = out.detached()
        recordOp("relu", out, [self]) { g, _ in [broadcastMap(g, y, ReLUGrad())] }
        return out
    }

    /// relu(self + other) in one pass (a residual block's output): y = max(a + b, 0),
    /// ∂a = ∂b = g·[y > 0], summed over broadcast dimensions.
    public func addingReLU(_ other: Tensor) -> Tensor {
        let out = broadcastMap(self, other, AddReLU())
        let y = out.detached()
        recordOp("add_relu", out, [self, other]) { g, needs in
            let masked = broadcastMap(g, y, ReLUGrad())
            return [needs[0] ? masked.sumTo(self.shape) : nil, needs[1] ? masked.sumTo(other.shape) : nil]
        }
        return out
    }

    /// GELU (exact, PyTorch's default): y = x·Φ(x) = ½x(1 + erf(x/√2));
    /// ∂x = g·(Φ(x) + x·φ(x)) with φ(x) = e^{−x²/2}/√(2π).
    public func gelu() -> Tensor {
        let out = unaryMap(self) { x in 0.5 * x * (1 + erff(x * 0.70710678118654752)) }
        recordOp("gelu", out, [self]) { g, _ in
            [broadcastMap(g, self) { a, x in
                let cdf = 0.5 * (1 + erff(x * 0.70710678118654752))
                let pdf = expf(-0.5 * x * x) * 0.3989422804014327
                return a * (cdf + x * pdf)
            }]
        }
        return out
    }
}
