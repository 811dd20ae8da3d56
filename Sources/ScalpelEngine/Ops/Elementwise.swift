/// Elementwise maps: the loops behind arithmetic, activations and gradient accumulation.
///
/// The maps are generic over a kernel type rather than taking a closure. Each use is then
/// compiled into its own loop, with the kernel inlined and vectorized, inside every chunk that
/// `parallelFor` hands to a thread. (With a closure, the chunk body that runs on a second
/// thread is an unspecialized function that calls the closure once per element: two threads
/// were 5-10× slower than one.) Rarely used functions (exp, log, GELU, …) may still pass a
/// closure through `Function1`/`Function2`; their libm calls cost more than the indirect call.

/// y = f(x).
protocol UnaryKernel { func callAsFunction(_ x: Float) -> Float }

/// z = f(a, b).
protocol BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float }

struct Add: BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
struct Sub: BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
struct Mul: BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
struct Div: BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }
/// ReLU's backward from its output: g where y > 0, else 0.
struct ReLUGrad: BinaryKernel { func callAsFunction(_ g: Float, _ y: Float) -> Float { y > 0 ? g : 0 } }

/// max(a + b, 0).
struct AddReLU: BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float { Swift.max(a + b, 0) } }

/// max(x, 0); NaN stays NaN, as in PyTorch.
struct ReLU: UnaryKernel { func callAsFunction(_ x: Float) -> Float { Swift.max(x, 0) } }
struct Negate: UnaryKernel { func callAsFunction(_ x: Float) -> Float { -x } }
struct AddScalar: UnaryKernel { let s: Float; func callAsFunction(_ x: Float) -> Float { x + s } }
struct MulScalar: UnaryKernel { let s: Float; func callAsFunction(_ x: Float) -> Float { x * s } }

/// A closure as a kernel (called per element; for functions dominated by libm).
struct Function1: UnaryKernel {
    let f: (Float) -> Float
    func callAsFunction(_ x: Float) -> Float { f(x) }
}

struct Function2: BinaryKernel {
    let f: (Float, Float) -> Float
    func callAsFunction(_ a: Float, _ b: Float) -> Float { f(a, b) }
}

/// Elements per thread below which a map runs on the caller's thread alone.
let elementwiseGrain = 32_768

/// Applies `k` to every element, keeping the format (no autodiff).
func unaryMap<K: UnaryKernel>(_ a: Tensor, _ k: K) -> Tensor {
    let out = Tensor(uninitialized: a.shape, format: a.format)
    let pa = a.pointer, po = out.pointer
    parallelFor(a.count, grain: elementwiseGrain) { r in
        for i in r { po[i] = k(pa[i]) }
    }
    return out
}

func unaryMap(_ a: Tensor, _ f: @escaping (Float) -> Float) -> Tensor { unaryMap(a, Function1(f: f)) }

/// Applies `k` elementwise to `a` and `b` broadcast together (no autodiff).
///
/// Same shape and format: one flat loop. Otherwise the output (channels-last when an operand
/// of the full shape is) is written in its physical order, row by row of the coalesced plan,
/// with the rows split across threads.
func broadcastMap<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ k: K) -> Tensor {
    if a.shape == b.shape && a.format == b.format {
        let out = Tensor(uninitialized: a.shape, format: a.format)
        let pa = a.pointer, pb = b.pointer, po = out.pointer
        parallelFor(a.count, grain: elementwiseGrain) { r in
            for i in r { po[i] = k(pa[i], pb[i]) }
        }
        return out
    }
    guard let shape = broadcastShape(a.shape, b.shape) else {
        preconditionFailure("shapes \(a.shape) and \(b.shape) cannot be broadcast together")
    }
    let format: MemoryFormat = [a, b].contains { $0.format == .channelsLast && $0.shape == shape } ? .channelsLast : .contiguous
    let out = Tensor(uninitialized: shape, format: format)
    let plan = StridedPlan(outShape: shape, outFormat: format, operands: [a, b])
    let pa = a.pointer, pb = b.pointer, po = out.pointer
    let rowLength = plan.rowLength
    parallelFor(plan.rowCount, grain: max(1, elementwiseGrain / rowLength)) { rows in
        var o = po + rows.lowerBound * rowLength
        plan.forEachRow(rows) { off, n, inner in
            let sa = inner[0], sb = inner[1]
            let xa = pa + off[0], xb = pb + off[1]
            if sa == 1 && sb == 1 {
                for i in 0..<n { o[i] = k(xa[i], xb[i]) }
            } else if sa == 1 && sb == 0 {
                let v = xb[0]
                for i in 0..<n { o[i] = k(xa[i], v) }
            } else if sa == 0 && sb == 1 {
                let v = xa[0]
                for i in 0..<n { o[i] = k(v, xb[i]) }
            } else {
                for i in 0..<n { o[i] = k(xa[i * sa], xb[i * sb]) }
            }
            o += n
        }
    }
    return out
}

func broadcastMap(_ a: Tensor, _ b: Tensor, _ f: @escaping (Float, Float) -> Float) -> Tensor {
    broadcastMap(a, b, Function2(f: f))
}
