import Testing
@testable import ScalpelEngine

/// A tensor of distinct values at least 0.05 apart (a shuffled ramp), so that the argmax of
/// every pooling window is unique and stays put under finite-difference steps of 1e-2.
func distinctValuesTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    let n = shape.reduce(1, *)
    var rng = RandomGenerator(seed: seed)
    var values = (0..<n).map { Float($0) * 0.05 - Float(n) * 0.025 }
    for i in stride(from: n - 1, to: 0, by: -1) {
        values.swapAt(i, Int(rng.nextFloat() * Float(i + 1)) % (i + 1))
    }
    return Tensor(shape: shape, data: values)
}

@Suite struct PoolingTests {
    @Test(arguments: KernelBackend.allCases, [MemoryFormat.contiguous, .channelsLast])
    func gradientsMatchFiniteDifferences(backend: KernelBackend, format: MemoryFormat) {
        KernelBackend.with(backend) {
            let x = distinctValuesTensor([2, 3, 7, 6], seed: 1).converted(to: format)
            checkGradients([x]) {
                let y = maxPool2d(x, kernelSize: 3, stride: 2, padding: 1)
                #expect(y.format == format && y.shape == [2, 3, 4, 3])
                return probeLoss(y)
            }
            checkGradients([x]) { probeLoss(maxPool2d(x, kernelSize: 2)) }
            checkGradients([x]) { probeLoss(avgPool2d(x, kernelSize: 3, stride: 2, padding: 1)) }
            checkGradients([x]) { probeLoss(avgPool2d(x, kernelSize: 2, stride: 1)) }
            checkGradients([x]) {
                let y = globalAvgPool2d(x)
                #expect(y.format == .contiguous && y.shape == [2, 3])
                return probeLoss(y)
            }
        }
    }

    @Test func matchesPyTorchOnAHandExample() {
        // 1×1×4×4 ramp 0…15.
        let x = Tensor(shape: [1, 1, 4, 4], data: (0..<16).map(Float.init))
        for backend in KernelBackend.allCases {
            KernelBackend.with(backend) {
                #expect(maxPool2d(x, kernelSize: 2).toArray() == [5, 7, 13, 15])
                // Padding is −∞ for max: the corner window sees only x[0,0], x[0,1], x[1,0], x[1,1].
                #expect(maxPool2d(x, kernelSize: 3, stride: 2, padding: 1).toArray() == [5, 7, 13, 15])
                // count_include_pad: the top-left window sums 0+1+4+5 = 10 over 9 cells.
                let avg = avgPool2d(x, kernelSize: 3, stride: 2, padding: 1).toArray()
                expectClose(avg, [10.0 / 9, 24.0 / 9, 51.0 / 9, 90.0 / 9], "avg pool \(backend)")
                expectClose(globalAvgPool2d(x).toArray(), [7.5], "global avg pool \(backend)")
            }
        }
    }

    @Test(arguments: [[2, 3, 9, 8], [4, 16, 12, 12], [1, 32, 7, 5], [8, 1, 6, 6]], [MemoryFormat.contiguous, .channelsLast])
    func fastKernelsMatchReference(shape: [Int], format: MemoryFormat) {
        for backend in [KernelBackend.fast, .blas] { fastKernelsMatchReference(shape: shape, format: format, backend: backend) }
    }

    private func fastKernelsMatchReference(shape: [Int], format: MemoryFormat, backend: KernelBackend) {
        let x = randomTensor(shape, seed: 10).converted(to: format)
        let configs: [(kernel: Int, stride: Int?, padding: Int)] = [(2, nil, 0), (3, 2, 1), (3, 1, 1), (5, 2, 2)]
        for (k, s, p) in configs {
            let (f, r) = outputsOnBothBackends(backend) {
                let xi = x.clone()
                xi.requiresGrad = true
                let m = maxPool2d(xi, kernelSize: k, stride: s, padding: p)
                let a = avgPool2d(xi, kernelSize: k, stride: s, padding: p)
                let g = globalAvgPool2d(xi)
                (probeLoss(m, seed: 1) + probeLoss(a, seed: 2) + probeLoss(g, seed: 3)).backward()
                return [m, a, g, xi.grad]
            }
            let what = "\(backend) \(shape) \(format) k\(k) s\(s ?? k) p\(p)"
            expectFastMatchesReference(f, r, ["max \(what)", "avg \(what)", "global \(what)", "∂x \(what)"])
        }
    }

    @Test(arguments: KernelBackend.allCases, [MemoryFormat.contiguous, .channelsLast])
    func tiesSendTheGradientToTheFirstMaximum(backend: KernelBackend, format: MemoryFormat) {
        KernelBackend.with(backend) {
            let x = Tensor(repeating: 1, shape: [1, 9, 4, 4]).converted(to: format)
            x.requiresGrad = true
            maxPool2d(x, kernelSize: 2).sum().backward()
            let g = x.grad!
            for ch in 0..<9 {
                let plane = (0..<16).map { g[0, ch, $0 / 4, $0 % 4] }
                #expect(plane == [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0], "channel \(ch)")
            }
        }
    }

    @Test func globalPoolReadsChannelsLastWithoutReorder() {
        let x = randomTensor([2, 8, 5, 5], seed: 20).converted(to: .channelsLast)
        x.requiresGrad = true
        let (_, counts) = KernelStats.counting { probeLoss(globalAvgPool2d(x)).backward() }
        #expect(counts["layout.reorder"] == nil)
        #expect(counts["global_avgpool.forward"] == 1 && counts["global_avgpool.backward"] == 1)
        #expect(x.grad?.format == .channelsLast)
    }
}
