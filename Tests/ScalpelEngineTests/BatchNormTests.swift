import Testing
@testable import ScalpelEngine

@Suite struct BatchNormTests {
    @Test(arguments: KernelBackend.allCases, [MemoryFormat.contiguous, .channelsLast])
    func trainModeGradients(backend: KernelBackend, format: MemoryFormat) {
        KernelBackend.with(backend) {
            let x = randomTensor([3, 4, 5, 3], seed: 1, low: -2, high: 2).converted(to: format)
            let gamma = randomTensor([4], seed: 2, low: 0.5, high: 1.5), beta = randomTensor([4], seed: 3)
            let rm = Tensor.zeros([4]), rv = Tensor.ones([4])
            checkGradients([x, gamma, beta]) {
                let y = batchNorm2d(x, weight: gamma, bias: beta, runningMean: rm, runningVar: rv, training: true)
                #expect(y.format == format)
                return probeLoss(y)
            }
            // Without affine parameters or running statistics.
            checkGradients([x]) { probeLoss(batchNorm2d(x, weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: true)) }
        }
    }

    @Test(arguments: KernelBackend.allCases, [MemoryFormat.contiguous, .channelsLast])
    func evalModeGradients(backend: KernelBackend, format: MemoryFormat) {
        KernelBackend.with(backend) {
            let x = randomTensor([2, 3, 4, 5], seed: 4).converted(to: format)
            let gamma = randomTensor([3], seed: 5, low: 0.5, high: 1.5), beta = randomTensor([3], seed: 6)
            let rm = randomTensor([3], seed: 7), rv = randomTensor([3], seed: 8, low: 0.5, high: 2)
            checkGradients([x, gamma, beta]) {
                probeLoss(batchNorm2d(x, weight: gamma, bias: beta, runningMean: rm, runningVar: rv, training: false))
            }
        }
    }

    // Channel counts that exercise every lane group (8, 4, 1) and row counts that split into
    // several blocks and thread chunks (the last two: 1,584 and 3,315 rows).
    @Test(arguments: [[2, 3, 5, 7], [4, 16, 6, 5], [8, 32, 7, 7], [1, 1, 3, 4], [3, 64, 4, 4],
                      [16, 24, 9, 11], [13, 13, 15, 17]],
          [MemoryFormat.contiguous, .channelsLast])
    func fastKernelsMatchReference(shape: [Int], format: MemoryFormat) {
        let c = shape[1]
        let x = randomTensor(shape, seed: 10, low: -1, high: 3).converted(to: format)
        let gamma = randomTensor([c], seed: 11, low: 0.5, high: 1.5), beta = randomTensor([c], seed: 12)
        let gy = randomTensor(shape, seed: 13)
        for training in [true, false] {
            let (f, r) = outputsOnBothBackends {
                let rm = randomTensor([c], seed: 14), rv = randomTensor([c], seed: 15, low: 0.5, high: 2)
                let xi = x.clone()
                for t in [xi, gamma, beta] { t.requiresGrad = true; t.grad = nil }
                let y = batchNorm2d(xi, weight: gamma, bias: beta, runningMean: rm, runningVar: rv, training: training)
                y.backward(gy)
                return [y, xi.grad, gamma.grad, beta.grad, rm, rv]
            }
            let mode = training ? "train" : "eval"
            expectFastMatchesReference(f, r, ["\(mode) forward", "\(mode) ∂x", "\(mode) ∂γ", "\(mode) ∂β",
                                              "\(mode) running mean", "\(mode) running var"].map { "\($0) \(shape) \(format)" })
            // ∂γ, ∂β alone (the input needs no gradient): a separate path on the fast backend.
            let (f2, r2) = outputsOnBothBackends {
                for t in [gamma, beta] { t.requiresGrad = true; t.grad = nil }
                let rm = randomTensor([c], seed: 14), rv = randomTensor([c], seed: 15, low: 0.5, high: 2)
                batchNorm2d(x, weight: gamma, bias: beta, runningMean: rm, runningVar: rv, training: training).backward(gy)
                return [gamma.grad, beta.grad]
            }
            expectFastMatchesReference(f2, r2, ["\(mode) ∂γ only \(shape) \(format)", "\(mode) ∂β only \(shape) \(format)"])
        }
    }

    /// A large mean (1000) over a small spread: the statistics must not cancel.
    @Test func statisticsOfOffsetDataMatchReference() {
        let x = (randomTensor([32, 12, 10, 10], seed: 40, low: -0.01, high: 0.01) + 1000).converted(to: .channelsLast)
        let gy = randomTensor(x.shape, seed: 41)
        let (f, r) = outputsOnBothBackends {
            let xi = x.clone()
            xi.requiresGrad = true
            let rv = Tensor.ones([12])
            let y = batchNorm2d(xi, weight: nil, bias: nil, runningMean: Tensor.zeros([12]), runningVar: rv, training: true, momentum: 1)
            y.backward(gy)
            return [y, xi.grad, rv]
        }
        expectFastMatchesReference(f, r, ["offset forward", "offset ∂x", "offset running var"])
    }

    /// Channels whose mean drifts along the batch (from 0 to 500 over the rows) with a spread
    /// of 0.1, so that no single row is a good shift: the statistics must still match the
    /// reference's Double two-pass ones.
    @Test func statisticsOfDriftingDataMatchReference() {
        let (n, c, h, w) = (16, 20, 9, 9)
        let noise = randomTensor([n, c, h, w], seed: 42, low: -0.1, high: 0.1).toArray()
        var values = noise
        for b in 0..<n { for j in 0..<c { for p in 0..<(h * w) {
            values[((b * c) + j) * h * w + p] += Float(500 * b) / Float(n) * Float(j % 3) + Float(p) * 0.01
        } } }
        let x = Tensor(shape: [n, c, h, w], data: values).converted(to: .channelsLast)
        let (f, r) = outputsOnBothBackends {
            let rm = Tensor.zeros([c]), rv = Tensor.ones([c])
            let y = batchNorm2d(x, weight: nil, bias: nil, runningMean: rm, runningVar: rv, training: true, momentum: 1)
            return [y, rm, rv]
        }
        expectFastMatchesReference(f, r, ["drifting forward", "drifting running mean", "drifting running var"])
    }

    @Test(arguments: KernelBackend.allCases)
    func runningStatisticsFollowPyTorch(backend: KernelBackend) {
        KernelBackend.with(backend) {
            let (n, c, hw) = (3, 2, 4)
            let x = randomTensor([n, c, 2, 2], seed: 20, low: -1, high: 4)
            let rm = Tensor(shape: [c], data: [0.5, -1]), rv = Tensor(shape: [c], data: [2, 0.25])
            let momentum: Float = 0.3
            let y = batchNorm2d(x.converted(to: .channelsLast), weight: nil, bias: nil, runningMean: rm, runningVar: rv,
                                training: true, momentum: momentum, eps: 1e-3)
            for ch in 0..<c {
                let values = (0..<n).flatMap { b in (0..<hw).map { Double(x[b, ch, $0 / 2, $0 % 2]) } }
                let mean = values.reduce(0, +) / Double(values.count)
                let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                let biased = ss / Double(values.count), unbiased = ss / Double(values.count - 1)
                let m = Double(momentum)
                let expectedMean = [0.5, -1.0][ch] * (1 - m) + m * mean
                let expectedVar = [2.0, 0.25][ch] * (1 - m) + m * unbiased
                #expect(Swift.abs(Double(rm[ch]) - expectedMean) < 1e-5, "running mean \(ch)")
                #expect(Swift.abs(Double(rv[ch]) - expectedVar) < 1e-5, "running var \(ch)")
                // The output is normalized with the biased batch variance.
                let y0 = (Double(x[0, ch, 0, 0]) - mean) / (biased + 1e-3).squareRoot()
                #expect(Swift.abs(Double(y[0, ch, 0, 0]) - y0) < 1e-5, "output \(ch)")
            }
            // Evaluation reads the running statistics and leaves them alone.
            let before = (rm.toArray(), rv.toArray())
            let e = batchNorm2d(x, weight: nil, bias: nil, runningMean: rm, runningVar: rv, training: false, eps: 1e-3)
            #expect(rm.toArray() == before.0 && rv.toArray() == before.1)
            let e0 = (x[1, 1, 1, 0] - rm[1]) / (rv[1] + 1e-3).squareRoot()
            #expect(Swift.abs(e[1, 1, 1, 0] - e0) < 1e-5)
        }
    }

    @Test func backwardComputesOnlyWhatIsNeeded() {
        let x = randomTensor([2, 4, 3, 3], seed: 30).converted(to: .channelsLast)
        let gamma = Tensor.ones([4]), beta = Tensor.zeros([4])
        // Nothing requires a gradient: no graph, no backward kernel.
        let y = batchNorm2d(x, weight: gamma, bias: beta, runningMean: nil, runningVar: nil, training: true)
        #expect(!y.requiresGrad)
        // Only β: ∂γ and ∂x stay nil.
        beta.requiresGrad = true
        let (_, counts) = KernelStats.counting {
            probeLoss(batchNorm2d(x, weight: gamma, bias: beta, runningMean: nil, runningVar: nil, training: true)).backward()
        }
        #expect(counts["batchnorm.backward"] == 1 && counts["batchnorm.forward"] == 1)
        #expect(beta.grad != nil && gamma.grad == nil && x.grad == nil)
    }
}
