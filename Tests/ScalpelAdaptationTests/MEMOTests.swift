import Testing
import ScalpelData
import ScalpelEngine
import ScalpelNN
@testable import ScalpelAdaptation

/// MEMO's resets and the reach of its updates (acceptance 1), on ResNet-8 with random weights.
@Suite struct MEMOTests {
    let images = Fixture.images(3)

    func memo(_ model: BlockModel, _ selection: String, mode: AdaptationMode,
              optimizer: AdaptationOptimizer = AdaptationOptimizer(kind: .sgd, learningRate: 0.05),
              augmentation: any ImageAugmentation = MEMO.standardAugmentation) throws -> MEMO {
        let names = try Selection(parsing: selection).parameterNames(in: model)
        let config = MEMOConfiguration(augmentations: 4, steps: 2, optimizer: optimizer, priorStrength: 16, mode: mode)
        return try MEMO(model: model, selection: names, configuration: config, augmentation: augmentation, seed: 1)
    }

    @Test(arguments: ["all", "stem+block1", "last"])
    func episodicRestoresEveryParameterAndStatisticAfterEachImage(selection: String) throws {
        let model = Fixture.resnet8()
        let before = Fixture.state(model)
        let adapter = try memo(model, selection, mode: .episodic)
        for i in 0..<images.count {
            let (_, _, loss) = adapter.adaptAndPredict(images.image(i))
            #expect(loss.isFinite)
            #expect(Fixture.state(model) == before, "state after image \(i) is bit-equal to θ⁰")
        }
    }

    @Test func episodicStartsEveryImageFromTheSameStateAndOptimizer() throws {
        // With the identity augmentation, adapting image 1 after image 0 must give exactly the
        // logits of adapting image 1 alone: nothing (weights, momentum) carries over.
        let first = try memo(Fixture.resnet8(), "all", mode: .episodic, augmentation: IdentityAugmentation())
        _ = first.adaptAndPredict(images.image(0))
        let after = first.adaptAndPredict(images.image(1)).logits
        let fresh = try memo(Fixture.resnet8(), "all", mode: .episodic, augmentation: IdentityAugmentation())
        #expect(fresh.adaptAndPredict(images.image(1)).logits == after)
    }

    @Test(arguments: ["stem+block1", "last", "block2"])
    func onlineChangesOnlyTheSelection(selection: String) throws {
        let model = Fixture.resnet8()
        let before = Fixture.state(model)
        let adapter = try memo(model, selection, mode: .online)
        let result = try adapter.run(images, every: 1)
        #expect(result.curve.map(\.seen) == [1, 2, 3])
        let after = Fixture.state(model)
        for (name, values) in before {
            if adapter.selection.contains(name) {
                #expect(after[name] != values, "\(name) is selected and adapted")
            } else {
                #expect(after[name] == values, "\(name) is outside the selection and bit-equal")
            }
        }
    }

    @Test func adamWOnlineAlsoStaysWithinTheSelection() throws {
        let model = Fixture.resnet8()
        let before = Fixture.state(model)
        let adapter = try memo(model, "stem", mode: .online, optimizer: .adamWDefault)
        _ = try adapter.run(images)
        let after = Fixture.state(model)
        #expect(before.filter { adapter.selection.contains($0.key) }.allSatisfy { after[$0.key] != $0.value })
        #expect(before.filter { !adapter.selection.contains($0.key) }.allSatisfy { after[$0.key] == $0.value })
    }

    @Test func rejectsBadSettings() throws {
        let model = Fixture.resnet8()
        #expect(throws: AdaptationError.notPositive("augmentations", 0)) {
            try MEMO(model: model, selection: ["fc.weight"], configuration: MEMOConfiguration(augmentations: 0))
        }
        #expect(throws: AdaptationError.notPositive("steps", 0)) {
            try MEMO(model: model, selection: ["fc.weight"], configuration: MEMOConfiguration(steps: 0))
        }
        #expect(throws: AdaptationError.self) {
            try MEMO(model: model, selection: ["no.such"], configuration: MEMOConfiguration())
        }
    }
}
