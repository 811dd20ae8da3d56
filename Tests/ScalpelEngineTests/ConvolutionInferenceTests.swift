import Testing
@testable import ScalpelEngine

/// `conv2dInference` (convolution with a fused residual add and ReLU) against the separate ops.
@Suite struct ConvolutionInferenceTests {
    struct Case: CustomStringConvertible {
        let n, c, o, h, stride, k: Int
        let bias, residual, relu: Bool
        var description: String { "n\(n) \(c)→\(o) \(h)×\(h) k\(k) s\(stride) bias \(bias) residual \(residual) relu \(relu)" }
    }

    static let cases: [Case] = [
        Case(n: 3, c: 16, o: 16, h: 9, stride: 1, k: 3, bias: true, residual: true, relu: true),     // block tail
        Case(n: 2, c: 16, o: 32, h: 11, stride: 2, k: 3, bias: true, residual: false, relu: true),   // block head
        Case(n: 4, c: 16, o: 32, h: 8, stride: 2, k: 1, bias: true, residual: false, relu: false),   // shortcut
        Case(n: 2, c: 1, o: 16, h: 12, stride: 1, k: 3, bias: false, residual: false, relu: true),   // stem
        Case(n: 2, c: 8, o: 8, h: 5, stride: 1, k: 3, bias: false, residual: true, relu: false),
    ]

    @Test(arguments: cases, [KernelBackend.fast, .blas])
    func equalsTheSeparateOps(_ t: Case, backend: KernelBackend) {
        let x = randomTensor([t.n, t.c, t.h, t.h], seed: 1), w = randomTensor([t.o, t.c, t.k, t.k], seed: 2)
        let b = t.bias ? randomTensor([t.o], seed: 3) : nil
        let pad = t.k / 2, oh = (t.h + 2 * pad - t.k) / t.stride + 1
        // The residual arrives channels-last in one case and NCHW in the other (it is converted).
        let r = t.residual ? randomTensor([t.n, t.o, oh, oh], seed: 4).converted(to: t.n % 2 == 0 ? .channelsLast : .contiguous) : nil
        let (fast, reference) = outputsOnBothBackends(backend) {
            [conv2dInference(x, weight: w, bias: b, stride: t.stride, padding: pad, residual: r, relu: t.relu)]
        }
        let separate = KernelBackend.with(.reference) { () -> [Float] in
            var y = conv2d(x, weight: w, bias: b, stride: t.stride, padding: pad)
            if let r { y = y + r }
            return (t.relu ? y.relu() : y).toArray()
        }
        expectFastMatchesReference(fast, [separate], ["fused (\(backend))"])
        expectFastMatchesReference(reference, [separate], ["fused (reference)"])
        if t.relu { #expect(fast[0]!.allSatisfy { $0 >= 0 }) }
    }

    @Test(arguments: [KernelBackend.fast, .blas])
    func runsOneKernelAndRecordsNoGraph(backend: KernelBackend) {
        let x = randomTensor([2, 4, 6, 6], seed: 5), w = randomTensor([4, 4, 3, 3], seed: 6)
        let (y, counts) = KernelBackend.with(backend) {
            KernelStats.counting { conv2dInference(x, weight: w, padding: 1, residual: x, relu: true) }
        }
        #expect(counts.filter { !$0.key.hasPrefix("layout.") } == ["conv2d.inference": 1])  // x and r are NCHW: 2 reorders
        #expect(!y.requiresGrad && y.gradFn == nil)
    }

    @Test func acceptsTrainableInputsOutsideGradMode() {
        let x = randomTensor([1, 2, 5, 5], seed: 7), w = randomTensor([3, 2, 3, 3], seed: 8)
        w.requiresGrad = true
        let y = withNoGrad { conv2dInference(x, weight: w, padding: 1) }
        let expected = withNoGrad { conv2d(x, weight: w, padding: 1) }
        expectClose(y.toArray(), expected.toArray(), rtol: 1e-5, atol: 1e-5)
    }
}
