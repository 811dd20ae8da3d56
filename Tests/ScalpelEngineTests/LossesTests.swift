import Foundation
import Testing
@testable import ScalpelEngine

@Suite struct LossesTests {
    @Test func crossEntropyKnownValues() {
        let uniform = Tensor.zeros([3, 5])
        #expect(Swift.abs(crossEntropy(uniform, targets: [0, 2, 4]).item - Float(Foundation.log(5.0))) < 1e-6)
        #expect(Swift.abs(crossEntropy(uniform, targets: [1, 1, 3], labelSmoothing: 0.3).item
                          - Float(Foundation.log(5.0))) < 1e-6)
        // p = [1/3, 2/3]: −log p₁ = ln 1.5, −log p₀ = ln 3.
        let x = Tensor(shape: [1, 2], data: [0, Float(M_LN2)])
        #expect(Swift.abs(crossEntropy(x, targets: [1]).item - Float(Foundation.log(1.5))) < 1e-6)
        let smoothed = 0.8 * Foundation.log(1.5) + 0.1 * (Foundation.log(3.0) + Foundation.log(1.5))
        #expect(Swift.abs(crossEntropy(x, targets: [1], labelSmoothing: 0.2).item - Float(smoothed)) < 1e-6)
        // Mean over rows.
        let two = Tensor(shape: [2, 2], data: [0, Float(M_LN2), 0, Float(M_LN2)])
        let mean = (Foundation.log(3.0) + Foundation.log(1.5)) / 2
        #expect(Swift.abs(crossEntropy(two, targets: [0, 1]).item - Float(mean)) < 1e-6)
    }

    @Test func crossEntropyIsStableForLargeLogits() {
        let x = Tensor(shape: [2, 2], data: [1000, 0, 1000, 0])
        #expect(crossEntropy(x, targets: [0, 0]).item == 0)
        #expect(Swift.abs(crossEntropy(x, targets: [1, 1]).item - 1000) < 1e-3)
        x.requiresGrad = true
        crossEntropy(x, targets: [1, 0]).backward()
        // ∂x = (p − onehot)/N with p = [1, 0].
        expectClose(x.grad!.toArray(), [0.5, -0.5, 0, 0], atol: 1e-6, "gradient at large logits")
    }

    @Test func crossEntropyGradients() {
        let x = randomTensor([4, 5], seed: 1, low: -2, high: 2)
        checkGradients([x]) { crossEntropy(x, targets: [0, 4, 2, 2]) }
        checkGradients([x]) { crossEntropy(x, targets: [1, 3, 0, 2], labelSmoothing: 0.1) * 3 }
        // Equals −mean of the selected log-softmax entries.
        let viaLogSoftmax = -(x.logSoftmax().toArray()[0 * 5 + 3] + x.logSoftmax().toArray()[1 * 5 + 1]
                              + x.logSoftmax().toArray()[2 * 5 + 0] + x.logSoftmax().toArray()[3 * 5 + 4]) / 4
        #expect(Swift.abs(crossEntropy(x, targets: [3, 1, 0, 4]).item - viaLogSoftmax) < 1e-5)
        let y = randomTensor([2, 3, 4, 1], seed: 2).converted(to: .channelsLast)
        checkGradients([y]) { crossEntropy(y.reshaped([2, 12]), targets: [5, 11]) }
    }

    @Test func entropyKnownValues() {
        #expect(Swift.abs(entropy(logits: Tensor.zeros([3, 7])).item - Float(Foundation.log(7.0))) < 1e-6)
        let x = Tensor(shape: [1, 2], data: [0, Float(M_LN2)])
        let h = -(Foundation.log(1.0 / 3) / 3 + 2 * Foundation.log(2.0 / 3) / 3)
        #expect(Swift.abs(entropy(logits: x).item - Float(h)) < 1e-6)
        let confident = Tensor(shape: [2, 3], data: [1000, 0, 0, -1000, 0, 0])
        let value = entropy(logits: confident).item
        #expect(value.isFinite && Swift.abs(value - Float(M_LN2) / 2) < 1e-6)
        let sharp = Tensor(shape: [1, 3], data: [1000, 0, 0], requiresGrad: true)
        entropy(logits: sharp).backward()
        #expect(sharp.grad!.toArray().allSatisfy { $0.isFinite })
    }

    @Test func entropyGradients() {
        let x = randomTensor([3, 6], seed: 3, low: -3, high: 3)
        checkGradients([x]) { entropy(logits: x) * 4 }
        let y = randomTensor([2, 2, 5], seed: 4, low: -2, high: 2)
        checkGradients([y]) { entropy(logits: y) * 4 }
    }

    @Test func mseKnownValuesAndGradients() {
        let a = Tensor(shape: [2, 2], data: [1, 2, 3, 4]), b = Tensor(shape: [2, 2], data: [1, 0, 0, 4])
        #expect(mseLoss(a, b).item == 13.0 / 4)
        let p = randomTensor([3, 4], seed: 5), t = randomTensor([3, 4], seed: 6)
        checkGradients([p, t]) { mseLoss(p, t) * 5 }
    }

    @Test func argmaxAndAccuracy() {
        let x = Tensor(shape: [3, 4], data: [0, 5, 1, 5,
                                             9, 1, 2, 3,
                                             -1, -2, -0.5, -3])
        #expect(x.argmax() == [1, 0, 2])
        #expect(x.argmax(axis: 0) == [1, 0, 1, 0])
        #expect(accuracy(logits: x, targets: [1, 0, 3]) == 2.0 / 3)
        #expect(accuracy(logits: x, targets: [1, 0, 2]) == 1)
        #expect(x.converted(to: .contiguous).argmax(axis: 1) == [1, 0, 2])
    }

    @Test func crossEntropyRejectsTargetsOutOfRange() async {
        await #expect(processExitsWith: .failure) {
            _ = crossEntropy(Tensor.zeros([2, 3]), targets: [0, 3])
        }
    }
}
