import Testing
import SafeTensors
@testable import ScalpelEngine

/// Grouped and depthwise convolution with four-sided padding against PyTorch
/// (scripts/fixtures/ops2.py: `F.conv2d(F.pad(x, …), w, b, stride, groups=g)`) on both
/// backends, and against finite differences.
@Suite struct GroupedConvolutionTests {
    static let ops2 = try! SafeTensorsFile(contentsOf: fixturesDirectory + "/ops2.safetensors")

    static let cases = ["dw3_s1_same", "dw3_s2_same_even", "dw3_s2_same_odd", "dw5_s1_same", "dw5_s2_same_even",
                        "dw3_s2_p1", "group2_3x3", "stem3_s2_same", "dw_multiplier2"]

    @Test(arguments: [KernelBackend.fast, .reference], cases)
    func matchesPyTorch(backend: KernelBackend, name: String) throws {
        let f = Self.ops2
        let p = try f.int64s("\(name).padding").map { Int($0) }
        let stride = Int(try f.int64s("\(name).stride")[0]), groups = Int(try f.int64s("\(name).groups")[0])
        let padding = ConvPadding(top: p[0], left: p[1], bottom: p[2], right: p[3])
        let inputs = f.contains("\(name).b") ? ["x", "w", "b"] : ["x", "w"]
        try KernelBackend.with(backend) {
            try checkFixture(f, name, inputs) {
                groupedConv2d($0[0], weight: $0[1], bias: $0.count > 2 ? $0[2] : nil, stride: stride,
                              padding: padding, groups: groups)
            }
        }
    }

    @Test func tensorFlowSamePaddingSplitsLikeEfficientNet() {
        // Conv2dStaticSamePadding: P = max((⌈H/s⌉ − 1)·s + K − H, 0), ⌊P/2⌋ before.
        #expect(ConvPadding.tensorFlowSame(height: 224, width: 224, kernelHeight: 3, kernelWidth: 3, stride: 2)
                == ConvPadding(top: 0, left: 0, bottom: 1, right: 1))
        #expect(ConvPadding.tensorFlowSame(height: 28, width: 28, kernelHeight: 5, kernelWidth: 5, stride: 2)
                == ConvPadding(top: 1, left: 1, bottom: 2, right: 2))
        #expect(ConvPadding.tensorFlowSame(height: 7, width: 9, kernelHeight: 5, kernelWidth: 3, stride: 1)
                == ConvPadding(top: 2, left: 1, bottom: 2, right: 1))
        #expect(ConvPadding.tensorFlowSame(height: 7, width: 7, kernelHeight: 1, kernelWidth: 1, stride: 2)
                == .symmetric(0))
    }

    @Test(arguments: [KernelBackend.fast, .reference])
    func depthwiseGradientsMatchFiniteDifferences(backend: KernelBackend) {
        KernelBackend.with(backend) {
            let x = randomTensor([2, 4, 7, 6], seed: 1)
            let w = randomTensor([4, 1, 5, 5], seed: 2)
            let b = randomTensor([4], seed: 3)
            let pad = ConvPadding(top: 1, left: 2, bottom: 2, right: 1)
            checkGradients([x, w, b]) { probeLoss(groupedConv2d(x, weight: w, bias: b, stride: 2, padding: pad, groups: 4)) }
        }
    }

    @Test(arguments: [KernelBackend.fast, .reference])
    func groupedGradientsMatchFiniteDifferences(backend: KernelBackend) {
        KernelBackend.with(backend) {
            let x = randomTensor([2, 6, 5, 5], seed: 4)
            let w = randomTensor([9, 2, 3, 3], seed: 5)
            checkGradients([x, w]) { probeLoss(groupedConv2d(x, weight: w, stride: 1, padding: .symmetric(1), groups: 3)) }
        }
    }

    @Test func oneGroupEqualsConv2d() {
        let x = randomTensor([2, 3, 9, 9], seed: 6), w = randomTensor([5, 3, 3, 3], seed: 7)
        let a = withNoGrad { groupedConv2d(x, weight: w, stride: 2, padding: .symmetric(1), groups: 1) }
        let b = withNoGrad { conv2d(x, weight: w, stride: 2, padding: 1) }
        expectClose(a.contiguous().toArray(), b.contiguous().toArray(), rtol: 1e-5, atol: 1e-6, "groups 1 vs conv2d")
    }
}
