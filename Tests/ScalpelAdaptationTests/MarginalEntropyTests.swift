import Foundation
import Testing
import ScalpelEngine
@testable import ScalpelAdaptation

/// The marginal entropy against its definition, and its gradient against finite differences.
@Suite struct MarginalEntropyTests {
    let logits: [Float] = [0.3, -1.2, 2.0, 0.1, 1.5, 0.4, -0.7, 0.9, -2.0, 0.0, 0.5, 1.1]  // [3, 4]

    func direct(_ z: [Float], rows: Int, classes k: Int) -> Double {
        var mean = [Double](repeating: 0, count: k)
        for r in 0..<rows {
            let row = z[(r * k)..<((r + 1) * k)].map(Double.init)
            let m = row.max()!
            let e = row.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            for j in 0..<k { mean[j] += e[j] / s / Double(rows) }
        }
        return -mean.reduce(0) { $0 + $1 * Foundation.log($1) }
    }

    @Test func equalsEntropyOfTheAveragedSoftmax() {
        let h = marginalEntropy(logits: Tensor(shape: [3, 4], data: logits)).item
        #expect(abs(Double(h) - direct(logits, rows: 3, classes: 4)) < 1e-6)
    }

    @Test func oneAugmentationIsPlainEntropy() {
        let z = Tensor(shape: [1, 4], data: Array(logits.prefix(4)))
        #expect(abs(marginalEntropy(logits: z).item - entropy(logits: z).item) < 1e-6)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let z = Tensor(shape: [3, 4], data: logits, requiresGrad: true)
        marginalEntropy(logits: z).backward()
        let g = z.grad!.toArray()
        for i in logits.indices {
            var plus = logits, minus = logits
            plus[i] += 1e-3
            minus[i] -= 1e-3
            let numeric = (direct(plus, rows: 3, classes: 4) - direct(minus, rows: 3, classes: 4)) / 2e-3
            #expect(abs(Double(g[i]) - numeric) < 1e-4, "∂H/∂z[\(i)]")
        }
    }

    @Test func extremeLogitsStayFinite() {
        let z = Tensor(shape: [2, 3], data: [200, -200, 0, -300, 100, 0], requiresGrad: true)
        let h = marginalEntropy(logits: z)
        h.backward()
        #expect(h.item.isFinite)
        #expect(!z.grad!.hasNonFinite)
    }
}
