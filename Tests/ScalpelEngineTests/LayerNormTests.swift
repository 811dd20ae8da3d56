import Testing
@testable import ScalpelEngine

@Suite struct LayerNormTests {
    @Test func knownValues() {
        // Row [1, 2, 3, 4]: μ = 2.5, σ² = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25.
        let x = Tensor(shape: [2, 4], data: [1, 2, 3, 4, 5, 5, 5, 5])
        let r = 1 / (1.25 + 1e-5 as Float).squareRoot()
        let xhat: [Float] = [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r]
        expectClose(layerNorm(x, weight: nil, bias: nil).toArray(), xhat + [0, 0, 0, 0], "no affine")
        let w = Tensor(shape: [4], data: [1, 2, -1, 0.5]), b = Tensor(shape: [4], data: [0, 1, 2, 3])
        let expected = (0..<4).map { xhat[$0] * w.toArray()[$0] + b.toArray()[$0] } + b.toArray()
        expectClose(layerNorm(x, weight: w, bias: b).toArray(), expected, "affine; a constant row gives the bias")
    }

    @Test func rowsAreStandardized() {
        let x = randomTensor([3, 5, 16], seed: 1, low: -3, high: 5)
        let y = layerNorm(x, weight: nil, bias: nil).toArray()
        for r in 0..<15 {
            let row = y[r * 16..<(r + 1) * 16]
            let mean = row.reduce(0, +) / 16
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 16
            #expect(Swift.abs(mean) < 1e-5 && Swift.abs(variance - 1) < 1e-3)
        }
    }

    @Test func gradients() {
        let x = randomTensor([2, 3, 5], seed: 2, low: -2, high: 2)
        let w = randomTensor([5], seed: 3, low: 0.5, high: 1.5), b = randomTensor([5], seed: 4)
        checkGradients([x, w, b]) { probeLoss(layerNorm(x, weight: w, bias: b)) }
        checkGradients([x]) { probeLoss(layerNorm(x, weight: nil, bias: nil)) }
        checkGradients([x, w]) { probeLoss(layerNorm(x, weight: w, bias: nil)) }
        checkGradients([x, b]) { probeLoss(layerNorm(x, weight: nil, bias: b, eps: 1e-3)) }
    }

    @Test func frozenInputSkipsItsGradient() {
        let x = randomTensor([4, 6], seed: 5)
        let w = Tensor.ones([6], requiresGrad: true), b = Tensor.zeros([6], requiresGrad: true)
        probeLoss(layerNorm(x, weight: w, bias: b)).backward()
        #expect(x.grad == nil && w.grad != nil && b.grad != nil)
    }

    /// ViT-sized input (parallel path) against the composition of elementwise ops.
    @Test func largeInputMatchesComposition() {
        let x = randomTensor([8, 65, 192], seed: 6, low: -2, high: 3)
        let w = randomTensor([192], seed: 7, low: 0.5, high: 1.5), b = randomTensor([192], seed: 8)
        let probe = randomTensor(x.shape, seed: 9)
        let params = [x, w, b]
        for t in params { t.requiresGrad = true }
        let fused = layerNorm(x, weight: w, bias: b)
        (fused * probe).sum().backward()
        let fusedGrads = params.map { $0.grad!.toArray() }
        for t in params { t.grad = nil }

        let centered = x - x.mean(axes: [-1], keepDims: true)
        let variance = centered.square().mean(axes: [-1], keepDims: true)
        let reference = centered / (variance + 1e-5).sqrt() * w + b
        (reference * probe).sum().backward()
        expectClose(fused.toArray(), reference.toArray(), rtol: 1e-4, atol: 1e-5, "forward")
        for (i, t) in params.enumerated() {
            expectClose(fusedGrads[i], t.grad!.toArray(), rtol: 1e-3, atol: 1e-3, "gradient \(i)")
        }
    }
}
