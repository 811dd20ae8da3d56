import Foundation
import Testing
@testable import ScalpelEngine

@Suite struct SoftmaxTests {
    @Test func knownValues() {
        let x = Tensor(shape: [1, 2], data: [0, Float(M_LN2)])
        expectClose(x.softmax().toArray(), [1.0 / 3, 2.0 / 3], "softmax [0, ln 2]")
        expectClose(x.logSoftmax().toArray(), [-Float(Foundation.log(3.0)), Float(Foundation.log(2.0 / 3))],
                    "logSoftmax [0, ln 2]")
        let uniform = Tensor.zeros([2, 4]).softmax()
        #expect(uniform.toArray().allSatisfy { Swift.abs($0 - 0.25) < 1e-7 })
    }

    @Test func numericallyStableForLargeLogits() {
        let x = Tensor(shape: [2, 2], data: [1000, 1000, 1000, 0])
        expectClose(x.softmax().toArray(), [0.5, 0.5, 1, 0], "softmax of large logits")
        expectClose(x.logSoftmax().toArray(), [-Float(M_LN2), -Float(M_LN2), 0, -1000], "logSoftmax of large logits")
        let y = Tensor(shape: [1, 3], data: [-1000, -1001, -1002])
        #expect(y.softmax().toArray().allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test func rowsSumToOneAndLogSoftmaxIsLogOfSoftmax() {
        let x = randomTensor([5, 7], seed: 1, low: -4, high: 4)
        let p = x.softmax().toArray()
        for r in 0..<5 { #expect(Swift.abs(p[r * 7..<(r + 1) * 7].reduce(0, +) - 1) < 1e-6) }
        expectClose(x.logSoftmax().toArray(), p.map { Foundation.log($0) }, rtol: 1e-5, atol: 1e-5, "log ∘ softmax")
    }

    @Test func otherAxesMatchTransposedLastAxis() {
        let x = randomTensor([3, 4, 5], seed: 2, low: -3, high: 3)
        let viaLast = x.transposed(1, 2).softmax().transposed(1, 2).toArray()
        expectClose(x.softmax(axis: 1).toArray(), viaLast, "softmax axis 1")
        let p = x.softmax(axis: 0).toArray()
        for i in 0..<20 { #expect(Swift.abs(p[i] + p[20 + i] + p[40 + i] - 1) < 1e-6) }
        expectClose(x.logSoftmax(axis: -2).toArray(), x.transposed(1, 2).logSoftmax().transposed(1, 2).toArray(),
                    "logSoftmax axis -2")
    }

    @Test func vectorizedExpMatchesExpf() {
        var values: [Float] = [-1000, -100, -87.4, -87.2, -20, -1e-3, 0, 1e-3, 0.5, 1, 10, 88, -.infinity]
        for i in 0...2000 { values.append(-90 + Float(i) * 0.089) }
        while values.count % 8 != 0 { values.append(0) }
        for base in stride(from: 0, to: values.count, by: 8) {
            let v = SIMD8<Float>(values[base..<base + 8])
            let e = fastExp(v)
            for i in 0..<8 {
                let want = Foundation.exp(v[i])
                let ok = want < 1.2e-38 ? e[i] <= 1.3e-38 : Swift.abs(e[i] - want) <= 3e-7 * want
                #expect(ok, "exp(\(v[i])) = \(e[i]), expected \(want)")
            }
        }
        #expect(fastExp(SIMD8(repeating: .nan))[0].isNaN)
        #expect(fastExp(SIMD8(repeating: 100))[0] == .infinity)
    }

    @Test func rowLengthsAroundTheVectorWidth() {
        for d in [1, 7, 8, 9, 17] {
            let x = randomTensor([3, d], seed: UInt64(d), low: -5, high: 5)
            let v = x.toArray()
            var expected: [Float] = []
            for r in 0..<3 {
                let row = v[r * d..<(r + 1) * d].map(Double.init)
                let m = row.max()!, s = row.map { Foundation.exp($0 - m) }.reduce(0, +)
                expected += row.map { Float(Foundation.exp($0 - m) / s) }
            }
            expectClose(x.softmax().toArray(), expected, rtol: 1e-5, atol: 1e-7, "softmax width \(d)")
            expectClose(x.logSoftmax().toArray(), expected.map { Foundation.log($0) }, rtol: 1e-5, atol: 1e-5,
                        "logSoftmax width \(d)")
        }
        #expect(Tensor(shape: [2, 3], data: [1, .nan, 0, 1, 2, 3]).softmax().toArray()[0...2].allSatisfy { $0.isNaN })
    }

    @Test func gradients() {
        let x = randomTensor([3, 6], seed: 3, low: -2, high: 2)
        checkGradients([x]) { probeLoss(x.softmax()) }
        checkGradients([x]) { probeLoss(x.logSoftmax()) }
        let y = randomTensor([2, 3, 4], seed: 4, low: -2, high: 2)
        checkGradients([y]) { probeLoss(y.softmax(axis: 1)) }
        checkGradients([y]) { probeLoss(y.logSoftmax(axis: 0)) }
        let z = randomTensor([2, 3, 2, 2], seed: 5).converted(to: .channelsLast)
        checkGradients([z]) { probeLoss(z.softmax(axis: 1)) }
    }

    /// Attention-sized input (parallel path) against the composition exp(x) / Σ exp(x).
    @Test func largeInputMatchesComposition() {
        let x = randomTensor([24, 65, 65], seed: 6, low: -3, high: 3)
        let w = randomTensor(x.shape, seed: 7)
        x.requiresGrad = true
        (x.softmax() * w).sum().backward()
        let fused = x.grad!.toArray()
        x.grad = nil
        let e = x.exp()
        let reference = e / e.sum(axes: [-1], keepDims: true)
        (reference * w).sum().backward()
        expectClose(x.softmax().toArray(), reference.toArray(), rtol: 1e-5, atol: 1e-7, "forward")
        expectClose(fused, x.grad!.toArray(), rtol: 1e-4, atol: 1e-6, "gradient")

        x.grad = nil
        (x.logSoftmax() * w).sum().backward()
        let fusedLog = x.grad!.toArray()
        x.grad = nil
        ((x - x.exp().sum(axes: [-1], keepDims: true).log()) * w).sum().backward()
        expectClose(fusedLog, x.grad!.toArray(), rtol: 1e-4, atol: 1e-5, "logSoftmax gradient")
    }
}
