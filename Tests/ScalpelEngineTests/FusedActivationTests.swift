import Testing
@testable import ScalpelEngine

/// The ReLU fused into the pass before it (BatchNorm, residual add) against the separate ops,
/// whose gradients the finite-difference tests check: same output, same gradients.
@Suite struct FusedActivationTests {
    /// Forward output and the gradients of `inputs` after backward(gy), as arrays.
    static func outputAndGradients(_ inputs: [Tensor], seed: UInt64, _ f: () -> Tensor) -> [[Float]] {
        for t in inputs { t.requiresGrad = true; t.grad = nil }
        let y = f()
        y.backward(randomTensor(y.shape, seed: seed))
        return [y.toArray()] + inputs.map { $0.grad!.toArray() }
    }

    static func expectSame(_ fused: [[Float]], _ separate: [[Float]], _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let names = ["output"] + (1..<fused.count).map { "gradient \($0)" }
        for (i, name) in names.enumerated() {
            expectClose(fused[i], separate[i], rtol: 1e-5, atol: 1e-6, "\(what): \(name)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [[2, 3, 4, 5], [1, 3, 1, 1], [1, 3, 4, 1]], [MemoryFormat.contiguous, .channelsLast])
    func addingReLUEqualsAddThenReLU(otherShape: [Int], format: MemoryFormat) {
        let a = randomTensor([2, 3, 4, 5], seed: 1).converted(to: format)
        let b = randomTensor(otherShape, seed: 2)
        let fused = Self.outputAndGradients([a, b], seed: 3) { a.addingReLU(b) }
        let separate = Self.outputAndGradients([a, b], seed: 3) { (a + b).relu() }
        Self.expectSame(fused, separate, "relu(a + b), b \(otherShape), \(format)")
        #expect(fused[0].contains(0) && fused[0].allSatisfy { $0 >= 0 })
    }

    @Test(arguments: KernelBackend.allCases, [MemoryFormat.contiguous, .channelsLast])
    func batchNormReLUEqualsBatchNormThenReLU(backend: KernelBackend, format: MemoryFormat) {
        KernelBackend.with(backend) {
            // 13 channels: every lane group of the fast kernels; 3·13·5·7 rows split in chunks.
            let x = randomTensor([3, 13, 5, 7], seed: 4, low: -2, high: 2).converted(to: format)
            let gamma = randomTensor([13], seed: 5, low: 0.5, high: 1.5), beta = randomTensor([13], seed: 6)
            for training in [true, false] {
                func run(fusedReLU: Bool) -> [[Float]] {
                    let rm = randomTensor([13], seed: 7), rv = randomTensor([13], seed: 8, low: 0.5, high: 2)
                    let values = Self.outputAndGradients([x, gamma, beta], seed: 9) {
                        let y = batchNorm2d(x, weight: gamma, bias: beta, runningMean: rm, runningVar: rv,
                                            training: training, relu: fusedReLU)
                        #expect(y.format == format)
                        return fusedReLU ? y : y.relu()
                    }
                    return values + [rm.toArray(), rv.toArray()]
                }
                Self.expectSame(run(fusedReLU: true), run(fusedReLU: false),
                                "\(backend) \(format) \(training ? "train" : "eval")")
            }
        }
    }

    /// BatchNorm + residual (+ ReLU) in one pass against BatchNorm, then `+` or `addingReLU`:
    /// output, ∂x, ∂γ, ∂β, ∂r and the running statistics. A residual that needs no gradient
    /// takes the fast kernels' path that masks G on the fly.
    @Test(arguments: KernelBackend.allCases, [MemoryFormat.contiguous, .channelsLast])
    func batchNormResidualEqualsSeparateOps(backend: KernelBackend, format: MemoryFormat) {
        KernelBackend.with(backend) {
            let x = randomTensor([3, 13, 5, 7], seed: 14, low: -2, high: 2).converted(to: format)
            let r = randomTensor([3, 13, 5, 7], seed: 15, low: -1, high: 1).converted(to: format)
            let gamma = randomTensor([13], seed: 16, low: 0.5, high: 1.5), beta = randomTensor([13], seed: 17)
            for training in [true, false] {
                for relu in [true, false] {
                    for residualTrains in [true, false] {
                        func run(fused: Bool) -> [[Float]] {
                            let rm = randomTensor([13], seed: 7), rv = randomTensor([13], seed: 8, low: 0.5, high: 2)
                            r.requiresGrad = false
                            r.grad = nil
                            let values = Self.outputAndGradients(residualTrains ? [x, gamma, beta, r] : [x, gamma, beta],
                                                                 seed: 19) {
                                if fused {
                                    return batchNorm2d(x, weight: gamma, bias: beta, runningMean: rm, runningVar: rv,
                                                       training: training, residual: r, relu: relu)
                                }
                                let y = batchNorm2d(x, weight: gamma, bias: beta, runningMean: rm, runningVar: rv,
                                                    training: training)
                                return relu ? y.addingReLU(r) : y + r
                            }
                            return values + [rm.toArray(), rv.toArray()]
                        }
                        let fused = run(fused: true)
                        Self.expectSame(fused, run(fused: false),
                                        "\(backend) \(format) \(training ? "train" : "eval") relu \(relu) ∂r \(residualTrains)")
                        if relu { #expect(fused[0].contains(0) && fused[0].contains { $0 > 0 }) }
                    }
                }
            }
        }
    }

    /// The residual op's gradients against finite differences, without the ReLU, whose kink
    /// a central difference straddles (its mask is checked against `addingReLU` above).
    @Test(arguments: KernelBackend.allCases)
    func batchNormResidualGradients(backend: KernelBackend) {
        KernelBackend.with(backend) {
            let x = randomTensor([2, 5, 3, 4], seed: 21, low: -2, high: 2).converted(to: .channelsLast)
            let r = randomTensor([2, 5, 3, 4], seed: 22, low: -1, high: 1)
            let gamma = randomTensor([5], seed: 23, low: 0.5, high: 1.5), beta = randomTensor([5], seed: 24)
            checkGradients([x, gamma, beta, r]) {
                probeLoss(batchNorm2d(x, weight: gamma, bias: beta, runningMean: nil, runningVar: nil, training: true,
                                      residual: r))
            }
        }
    }
}
