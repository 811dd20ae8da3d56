#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The activations of mobile networks (MobileNetV2/V3, EfficientNet), with PyTorch's
/// conventions at the kinks.
extension Tensor {
    /// ReLU6 (PyTorch `F.relu6`, i.e. `hardtanh(x, 0, 6)`): y = min(max(x, 0), 6);
    /// ∂x = g·[0 < x < 6] (zero at the kinks, as PyTorch's hardtanh backward).
    public func relu6() -> Tensor {
        let out = unaryMap(self, Clamp(low: 0, high: 6))
        recordOp("relu6", out, [self]) { g, _ in [broadcastMap(g, self, InsideOpenInterval(low: 0, high: 6))] }
        return out
    }

    /// Clamp (PyTorch `torch.clamp(x, min, max)`): y = min(max(x, low), high);
    /// ∂x = g·[low ≤ x ≤ high] (the gradient passes at the bounds, as PyTorch's clamp backward).
    public func clamp(min low: Float, max high: Float) -> Tensor {
        precondition(low <= high, "clamp: min \(low) > max \(high)")
        let out = unaryMap(self, Clamp(low: low, high: high))
        recordOp("clamp", out, [self]) { g, _ in
            [broadcastMap(g, self) { a, x in x >= low && x <= high ? a : 0 }]
        }
        return out
    }

    /// SiLU / swish (PyTorch `F.silu`): y = x·σ(x), σ(x) = 1/(1 + e^{−x});
    /// ∂x = g·σ(x)·(1 + x·(1 − σ(x))).
    public func silu() -> Tensor {
        let out = unaryMap(self) { x in x / (1 + expf(-x)) }
        recordOp("silu", out, [self]) { g, _ in
            [broadcastMap(g, self) { a, x in
                let s = 1 / (1 + expf(-x))
                return a * s * (1 + x * (1 - s))
            }]
        }
        return out
    }

    /// Hard swish (PyTorch `F.hardswish`, MobileNetV3): y = x·relu6(x + 3)/6;
    /// ∂x = 0 for x < −3, g for x > 3, g·(2x + 3)/6 = g·(x/3 + ½) in between (PyTorch's
    /// choice at the kinks: −3 takes the middle formula, 3 too).
    public func hardswish() -> Tensor {
        let out = unaryMap(self) { x in x * Swift.min(Swift.max(x + 3, 0), 6) / 6 }
        recordOp("hardswish", out, [self]) { g, _ in
            [broadcastMap(g, self) { a, x in x < -3 ? 0 : (x <= 3 ? a * (x / 3 + 0.5) : a) }]
        }
        return out
    }
}

/// min(max(x, low), high); NaN stays NaN.
struct Clamp: UnaryKernel {
    let low, high: Float
    func callAsFunction(_ x: Float) -> Float { x.isNaN ? x : Swift.min(Swift.max(x, low), high) }
}

/// The gradient g where low < x < high, else 0.
struct InsideOpenInterval: BinaryKernel {
    let low, high: Float
    func callAsFunction(_ g: Float, _ x: Float) -> Float { x > low && x < high ? g : 0 }
}
