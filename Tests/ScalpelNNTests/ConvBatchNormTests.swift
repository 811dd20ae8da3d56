import Testing
import ScalpelEngine
@testable import ScalpelNN

/// The fused inference path of conv → BatchNorm → (+ residual) → ReLU: it runs exactly where
/// nothing needs a gradient and BatchNorm uses its running statistics, and it gives the
/// unfused result up to rounding.
@Suite struct ConvBatchNormTests {
    /// A ResNet-8 (stem, 3 blocks of one BasicBlock, fc) whose BatchNorms have non-trivial
    /// running statistics and affine parameters, in evaluation mode.
    static func model(seed: UInt64 = 3) -> CIFARResNet {
        let m = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1, seed: seed)
        var rng = RandomGenerator(seed: seed + 1)
        for (_, module) in m.namedModules() {
            guard let bn = module as? BatchNorm2d else { continue }
            for (t, positive) in [(bn.weight, true), (bn.bias, false), (bn.runningMean, false), (bn.runningVar, true)] {
                let values: [Float] = (0..<t.count).map { _ in positive ? 0.5 + rng.nextFloat() : rng.nextFloat() - 0.5 }
                t.withUnsafeMutableBufferPointer { for i in 0..<values.count { $0[i] = values[i] } }
            }
        }
        m.eval()
        return m
    }

    static func images(seed: UInt64 = 9) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.randn([6, 1, 12, 12], using: &rng)
    }

    @Test func evaluationIsFusedAndEqualsTheSeparateOps() {
        let m = Self.model(), x = Self.images()
        m.freeze()
        let (fused, counts) = KernelStats.counting { m(x) }
        let (separate, separateCounts) = KernelStats.counting { InferenceFusion.$isEnabled.withValue(false) { m(x) } }
        // stem + 3 blocks × 2 convolutions + 2 projection shortcuts, every one fused.
        #expect(counts["conv2d.inference"] == 9)
        #expect(counts["batchnorm.forward"] == nil && counts["conv2d.forward"] == nil)
        #expect(separateCounts["conv2d.inference"] == nil && separateCounts["batchnorm.forward"] == 9)
        expectClose(fused.toArray(), separate.toArray(), rtol: 1e-4, atol: 1e-5, "logits")
    }

    @Test func foldingEqualsBatchNormAfterConvolution() {
        let m = Self.model()
        let conv = m.conv1, bn = m.bn1, x = Self.images()
        let (w, b) = bn.foldedIntoConvolution(conv)
        let folded = withNoGrad { conv2d(x, weight: w, bias: b, padding: 1) }
        let separate = withNoGrad { bn(conv(x)) }
        expectClose(folded.toArray(), separate.toArray(), rtol: 1e-5, atol: 1e-5, "folded stem")
    }

    @Test func onlyFrozenBlocksAreFusedWhileTraining() throws {
        let m = Self.model(), x = Self.images()
        _ = try m.setTrainable("block3")
        let (logits, counts) = KernelStats.counting { m(x) }
        // stem, block1 and block2 (2 + 3 convolutions) fused; block3's 3 run with BatchNorm.
        #expect(counts["conv2d.inference"] == 6)
        #expect(counts["conv2d.forward"] == 3 && counts["batchnorm.forward"] == 3)
        crossEntropy(logits, targets: [0, 1, 2, 3, 4, 5]).backward()
        for (name, p) in m.namedParameters() {
            #expect((p.grad != nil) == name.hasPrefix("layer3"), "\(name)")
        }
    }

    @Test func trainModeBatchNormIsNeverFused() {
        let m = Self.model(), x = Self.images()
        m.freeze()
        m.train()
        let (_, counts) = KernelStats.counting { withNoGrad { m(x) } }
        #expect(counts["conv2d.inference"] == nil && counts["batchnorm.forward"] == 9)
    }

    @Test func aTestTimePriorIsNeverFused() {
        let m = Self.model(), x = Self.images()
        m.freeze()
        for case let bn as BatchNorm2d in m.namedModules().map(\.1) { bn.testTimePrior = 16 }
        let (_, counts) = KernelStats.counting { withNoGrad { m(x) } }
        #expect(counts["conv2d.inference"] == nil)
    }
}
