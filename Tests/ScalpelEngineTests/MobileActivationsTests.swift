import Testing
import SafeTensors
@testable import ScalpelEngine

/// ReLU6, clamp, SiLU, hard swish against PyTorch (scripts/fixtures/ops2.py) and finite
/// differences; dropout's mask statistics, scaling and gradient.
@Suite struct MobileActivationsTests {
    static let ops2 = try! SafeTensorsFile(contentsOf: fixturesDirectory + "/ops2.safetensors")

    @Test func matchPyTorch() throws {
        try checkFixture(Self.ops2, "relu6", ["x"]) { $0[0].relu6() }
        try checkFixture(Self.ops2, "clamp", ["x"]) { $0[0].clamp(min: -0.5, max: 0.7) }
        try checkFixture(Self.ops2, "silu", ["x"]) { $0[0].silu() }
        try checkFixture(Self.ops2, "hardswish", ["x"]) { $0[0].hardswish() }
    }

    @Test func kinksFollowPyTorch() {
        let x = Tensor(shape: [6], data: [-3, 0, 3, 6, -0.5, 0.7], requiresGrad: true)
        x.relu6().sum().backward()
        #expect(x.grad!.toArray() == [0, 0, 1, 0, 0, 1])  // hardtanh: zero at 0 and 6
        x.grad = nil
        x.clamp(min: -0.5, max: 0.7).sum().backward()
        #expect(x.grad!.toArray() == [0, 1, 0, 0, 1, 1])  // clamp: passes at the bounds
        x.grad = nil
        x.hardswish().sum().backward()
        let middle: (Float) -> Float = { $0 / 3 + 0.5 }  // as PyTorch computes it, in Float
        #expect(x.grad!.toArray() == [middle(-3), middle(0), middle(3), 1, middle(-0.5), middle(0.7)])
    }

    @Test func gradientsMatchFiniteDifferences() {
        // Inputs away from the kinks, where finite differences straddle two slopes.
        let x = Tensor(shape: [8], data: [-4.2, -2.1, -0.6, 0.4, 1.7, 2.6, 5.2, 7.1])
        checkGradients([x]) { probeLoss(x.relu6()) }
        checkGradients([x]) { probeLoss(x.silu()) }
        checkGradients([x]) { probeLoss(x.hardswish()) }
        checkGradients([x]) { probeLoss(x.clamp(min: -1, max: 2)) }
    }

    @Test func dropoutKeepsAboutOneMinusPAndScales() {
        var rng = RandomGenerator(seed: 7)
        let x = Tensor(repeating: 1, shape: [20_000], requiresGrad: true)
        let y = x.dropout(probability: 0.3, training: true, using: &rng)
        let values = y.toArray()
        let kept = values.filter { $0 != 0 }
        #expect(Swift.abs(Double(kept.count) / 20_000 - 0.7) < 0.015)
        #expect(kept.allSatisfy { Swift.abs($0 - 1 / 0.7) < 1e-6 })
        probeLoss(y).backward()
        // ∂x = g ⊙ m/(1 − p): zero exactly where dropped, the scaled probe elsewhere.
        let g = x.grad!.toArray()
        let probe = randomTensor([20_000], seed: 99).toArray()
        for i in 0..<values.count { #expect(g[i] == probe[i] * values[i]) }
    }

    @Test func dropoutIsIdentityInEvaluationAndReproducibleBySeed() {
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let x = randomTensor([4, 5], seed: 1)
        #expect(x.dropout(probability: 0.5, training: false, using: &a) === x)
        #expect(x.dropout(probability: 0.5, training: true, using: &a).toArray()
                == x.dropout(probability: 0.5, training: true, using: &b).toArray())
        var c = RandomGenerator(seed: 4)
        #expect(x.dropout(probability: 1, training: true, using: &c).toArray().allSatisfy { $0 == 0 })
    }

    @Test func dropSamplesZeroesWholeSamples() {
        var rng = RandomGenerator(seed: 11)
        let x = Tensor(repeating: 2, shape: [64, 3, 2, 2])
        let y = x.dropSamples(probability: 0.25, training: true, using: &rng).toArray()
        var dropped = 0
        for n in 0..<64 {
            let s = Array(y[(n * 12)..<((n + 1) * 12)])
            #expect(s.allSatisfy { $0 == 0 } || s.allSatisfy { Swift.abs($0 - 2 / 0.75) < 1e-6 })
            if s[0] == 0 { dropped += 1 }
        }
        #expect(dropped > 4 && dropped < 32)
    }
}
