import Testing
import ScalpelData
import ScalpelEngine
import ScalpelNN
@testable import ScalpelAdaptation

/// TENT trains BatchNorm's γ and β and nothing else (acceptance 2).
@Suite struct TENTTests {
    @Test func changesOnlyBatchNormAffineTensors() throws {
        let model = Fixture.resnet8()
        let before = Fixture.state(model)
        let tent = try TENT(model: model)
        let result = try tent.run(Fixture.images(12), batchSize: 4, every: 4)
        #expect(result.curve.map(\.seen) == [4, 8, 12])
        let affine = TENT.batchNormAffineNames(in: model)
        #expect(affine.contains("bn1.weight") && affine.contains("layer1.0.bn2.bias"))
        let after = Fixture.state(model)
        for (name, values) in before {
            if affine.contains(name) {
                #expect(after[name] != values, "\(name) is a BatchNorm affine tensor and adapts")
            } else {
                #expect(after[name] == values, "\(name) is bit-equal")
            }
        }
    }

    @Test func selectionNarrowsToItsBatchNormTensors() throws {
        let model = Fixture.resnet8()
        let before = Fixture.state(model)
        let stem = try Selection(parsing: "stem").parameterNames(in: model)
        let tent = try TENT(model: model, within: stem)
        #expect(tent.selection == ["bn1.weight", "bn1.bias"])
        _ = try tent.run(Fixture.images(8), batchSize: 4)
        let after = Fixture.state(model)
        #expect(after.filter { $0.value != before[$0.key] }.keys.sorted() == ["bn1.bias", "bn1.weight"])
    }

    @Test func selectionWithoutBatchNormIsAnError() throws {
        let model = Fixture.resnet8()
        #expect(throws: AdaptationError.self) { try TENT(model: model, within: ["fc.weight", "fc.bias"]) }
        #expect(throws: AdaptationError.self) { try TENT(model: TwoLayerNetwork(inputs: 4, hidden: 3)) }
    }
}
