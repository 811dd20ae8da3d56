import Testing
import SafeTensors
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// Auto-RGN's relative gradient norms and Auto-SNR's signal-to-noise ratios against PyTorch's
/// (scripts/fixtures/methods.py) on the same ResNet-8, weights and batch.
@Suite struct AutoCriteriaFixtureTests {
    let file: SafeTensorsFile
    let model: BlockModel
    let examples: ExampleSet

    init() throws {
        file = try SafeTensorsFile(contentsOf: fixturesRoot + "/methods/criteria.safetensors")
        let net = CIFARResNet(inChannels: 1, classes: 10, width: 1, blocksPerStage: 1)
        try Checkpoint.load(net, from: fixturesRoot + "/methods/resnet8.checkpoint.safetensors")
        model = net
        examples = ExampleSet(inputs: try file.tensor("input"), labels: try file.int64s("labels").map { Int($0) })
    }

    var names: Set<String> { Set(model.namedParameters().map(\.0)) }

    func expectRelative(_ mine: [String: Double], _ key: String, rtol: Double) throws {
        #expect(mine.count == names.count)
        for (name, value) in mine {
            let expected = Double(try file.floats("\(key).\(name)")[0])
            #expect(abs(value - expected) <= rtol * abs(expected) + 1e-12, "\(key) \(name): \(value) vs \(expected)")
        }
    }

    @Test func relativeGradientNormsMatchPyTorch() throws {
        let rgn = AutoRGN.relativeGradientNorms(model: model, names: names, examples: examples,
                                                batches: [[0, 1, 2, 3], [4, 5, 6, 7]], batchNorm: .frozen)
        try expectRelative(rgn, "rgn", rtol: 1e-4)
        // Normalizations: min-max (paper) and divide-by-max (authors' code).
        let paper = AutoRGN.weights(rgn, variant: .paper)
        #expect(paper.values.min() == 0 && paper.values.max() == 1)
        let authors = AutoRGN.weights(rgn, variant: .authors)
        let top = rgn.values.max()!
        for (n, v) in rgn { #expect(abs(authors[n]! - v / top) < 1e-12) }
    }

    @Test func signalToNoiseRatiosMatchPyTorch() throws {
        let snr = AutoSNR.signalToNoise(model: model, names: names, examples: examples, indices: Array(0..<8))
        try expectRelative(snr, "snr", rtol: 1e-3)
    }

    @Test func probingLeavesTheModelAsItWas() throws {
        let before = model.stateDict().map { $0.tensor.toArray() }
        model.freeze()
        model.unfreeze(["fc.bias"])
        _ = AutoRGN.relativeGradientNorms(model: model, names: names, examples: examples, batches: [[0, 1, 2, 3]],
                                          batchNorm: .updating)
        #expect(model.stateDict().map { $0.tensor.toArray() } == before, "BN statistics restored")
        #expect(model.trainableParameters().map(\.0) == ["fc.bias"])
        #expect(model.namedParameters().allSatisfy { $0.1.grad == nil })
    }
}
