import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelAnalysis

/// The synthetic parameter-noise shift touches exactly one block, at the stated scale.
@Suite struct ParameterNoiseTests {
    func trainedLookingResNet8() -> CIFARResNet {
        let model = CIFARResNet(inChannels: 1, classes: 4, blocksPerStage: 1, seed: 2)
        var rng = RandomGenerator(seed: 8)
        for case let bn as BatchNorm2d in model.namedModules().map(\.1) {  // γ, β no longer constant
            for p in [bn.weight, bn.bias] {
                p.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] += 0.1 * rng.nextNormal() } }
            }
        }
        return model
    }

    @Test func onlyTheNoisedBlockChanges() throws {
        let model = trainedLookingResNet8()
        let before = model.snapshot().mapValues { $0.toArray() }
        let changed = try ParameterNoise.perturb(model, block: "block2", scale: 0.5, seed: 1)
        let block2 = Set(model.parametersByBlock().first { $0.block == "block2" }!.parameters.map(\.0))
        #expect(Set(changed) == block2)
        for e in model.stateDict() {
            let same = e.tensor.toArray() == before[e.name]
            #expect(same == !block2.contains(e.name), "\(e.name)")
        }
    }

    @Test func noiseIsScaledByEachTensorsStandardDeviation() throws {
        let model = trainedLookingResNet8()
        let w = model.layers[1].items[0].conv1.weight
        let original = w.toArray(), sigma = ParameterNoise.standardDeviation(w)
        try ParameterNoise.perturb(model, block: "block2", scale: 2, seed: 4)
        let delta = zip(w.toArray(), original).map { Double($0 - $1) }
        let rms = (delta.map { $0 * $0 }.reduce(0, +) / Double(delta.count)).squareRoot()
        // 4608 draws of N(0, (2σ)²): the sample RMS is within 5% of 2σ with overwhelming probability.
        #expect(abs(rms / Double(2 * sigma) - 1) < 0.05)
    }

    @Test func sameSeedSameNoise() throws {
        let a = trainedLookingResNet8(), b = trainedLookingResNet8()
        try ParameterNoise.perturb(a, block: "last", scale: 1, seed: 7)
        try ParameterNoise.perturb(b, block: "last", scale: 1, seed: 7)
        #expect(a.fc.weight.toArray() == b.fc.weight.toArray())
        #expect(throws: SelectionError.self) { try ParameterNoise.perturb(a, block: "block9", scale: 1, seed: 0) }
    }
}
