import Foundation
import Testing
import ScalpelData
import ScalpelEngine
import ScalpelNN
@testable import ScalpelAdaptation

/// How MEMO weights its augmented batch in BatchNorm's prior (issue 17): the statistics used
/// while adapting against a hand computation, MEMO's steps against a replay with the expected
/// priors, and the JSON of the setting in a run's identity.
@Suite struct PriorCountingTests {
    /// One BatchNorm layer with known running statistics and affine parameters.
    func layer() -> BatchNorm2d {
        let bn = BatchNorm2d(2)
        bn.runningMean.copyValues(from: Tensor(shape: [2], data: [0.5, -1]))
        bn.runningVar.copyValues(from: Tensor(shape: [2], data: [2, 0.25]))
        bn.weight.copyValues(from: Tensor(shape: [2], data: [1.5, 0.5]))
        bn.bias.copyValues(from: Tensor(shape: [2], data: [0.1, -0.2]))
        return bn
    }

    /// BatchNorm's output on `x` ([3, 2, 2, 2]) computed by hand with the batch's weight w:
    /// μ = (N·μ_run + w·μ_batch)/(N + w), σ² likewise (σ²_batch unbiased).
    func byHand(_ bn: BatchNorm2d, _ x: [Float], n: Float, w: Float) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        for c in 0..<2 {
            let values = (0..<3).flatMap { i in (0..<4).map { x[(i * 2 + c) * 4 + $0] } }
            let mu = values.reduce(0, +) / 12
            let unbiased = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 11
            let mean = (n * bn.runningMean.toArray()[c] + w * mu) / (n + w)
            let variance = (n * bn.runningVar.toArray()[c] + w * unbiased) / (n + w)
            for i in 0..<3 {
                for p in 0..<4 {
                    let k = (i * 2 + c) * 4 + p
                    out[k] = bn.weight.toArray()[c] * (x[k] - mean) / (variance + bn.eps).squareRoot() + bn.bias.toArray()[c]
                }
            }
        }
        return out
    }

    @Test(arguments: [(PriorCounting.augmentedBatchAsOneImage, Float(1)), (.eachAugmentation, Float(3))])
    func adaptingUsesTheBatchWeightOfTheCounting(counts: PriorCounting, w: Float) {
        var rng = RandomGenerator(seed: 9)
        let input = Tensor.randn([3, 2, 2, 2], using: &rng)
        let configuration = MEMOConfiguration(augmentations: 3, priorStrength: 4, priorCounts: counts)
        let bn = layer()
        bn.setTestTimeNormalization(configuration.adaptationNormalization)
        let y = bn(input).toArray()
        let expected = byHand(bn, input.toArray(), n: 4, w: w)
        for k in y.indices { #expect(abs(y[k] - expected[k]) < 1e-5, "element \(k)") }
        // The other weighting gives other statistics on this batch.
        let other = byHand(bn, input.toArray(), n: 4, w: w == 1 ? 3 : 1)
        #expect(y.indices.contains { abs(y[$0] - other[$0]) > 1e-3 })
        #expect(configuration.predictionNormalization == .prior(4))
    }

    @Test func withoutAFinitePriorBothCountingsAreEvaluationMode() {
        for counts in PriorCounting.allCases {
            let configuration = MEMOConfiguration(priorStrength: nil, priorCounts: counts)
            #expect(configuration.adaptationNormalization == .running)
            #expect(configuration.predictionNormalization == .running)
        }
    }

    /// MEMO's online steps replayed by hand: adapt under `adaptPrior`, predict under prior 16.
    func replay(adaptPrior: Float, images: ImageSet) -> [[Float]] {
        let model = Fixture.resnet8()
        let names = Set(model.namedParameters().map(\.0))
        model.freeze()
        model.unfreeze(names)
        let trainable = model.namedParameters()
        let optimizer = AdaptationOptimizer(kind: .sgd, learningRate: 0.05).make()
        var logits: [[Float]] = []
        for i in 0..<images.count {
            let image = images.image(i)
            model.setTestTimeNormalization(.prior(adaptPrior))
            let batch = Tensor(shape: [4, 1, 12, 12], data: Array((0..<4).map { _ in image.pixels }.joined()))
            for _ in 0..<2 {
                let loss = marginalEntropy(logits: model(batch))
                model.zeroGrad()
                loss.backward()
                optimizer.step(trainable)
            }
            model.zeroGrad()
            model.setTestTimeNormalization(.prior(16))
            logits.append(withNoGrad { model(Tensor(shape: [1, 1, 12, 12], data: image.pixels)) }.toArray())
        }
        return logits
    }

    func memoLogits(_ counts: PriorCounting, images: ImageSet) throws -> [[Float]] {
        let model = Fixture.resnet8()
        let configuration = MEMOConfiguration(augmentations: 4, steps: 2, optimizer: AdaptationOptimizer(kind: .sgd, learningRate: 0.05),
                                              priorStrength: 16, mode: .online, priorCounts: counts)
        let memo = try MEMO(model: model, selection: Set(model.namedParameters().map(\.0)), configuration: configuration,
                            augmentation: IdentityAugmentation(), seed: 1)
        return (0..<images.count).map { memo.adaptAndPredict(images.image($0)).logits }
    }

    @Test func oneImageAdaptsUnderPriorNTimesBAndEachUnderN() throws {
        let images = Fixture.images(3)
        let one = try memoLogits(.augmentedBatchAsOneImage, images: images)
        let each = try memoLogits(.eachAugmentation, images: images)
        #expect(one == replay(adaptPrior: 16 * 4, images: images), "w = 1: prior N·B = 64 while adapting")
        #expect(each == replay(adaptPrior: 16, images: images), "w = B: the weighting before issue 17, bit for bit")
        #expect(one != each)
    }

    func json(_ settings: AdaptationSettings) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(settings), as: UTF8.self)
    }

    @Test func recordsBeforeTheSettingDecodeAsEachAndKeepTheirJSON() throws {
        let optimizer = AdaptationOptimizer(kind: .sgd, learningRate: 2e-6, momentum: 0.9)
        let each = AdaptationSettings.memo(mode: .online, selection: "block1", optimizer: optimizer, priorCounts: .eachAugmentation)
        let one = AdaptationSettings.memo(mode: .online, selection: "block1", optimizer: optimizer)
        #expect(one.priorCounts == .augmentedBatchAsOneImage, "the default")
        let old = try json(each)
        #expect(!old.contains("priorCounts"), "an each-augmentation run has the JSON (and key) it had before the setting")
        #expect(try json(one).contains(#""priorCounts":"one""#))
        let decoded = try JSONDecoder().decode(AdaptationSettings.self, from: Data(old.utf8))
        #expect(decoded == each)
        #expect(try JSONDecoder().decode(AdaptationSettings.self, from: Data(try json(one).utf8)) == one)
        // Where the weighting cannot matter it is absent: TENT, and MEMO in plain evaluation mode.
        #expect(AdaptationSettings.memo(mode: .online, selection: "all", optimizer: optimizer, priorStrength: nil).priorCounts == nil)
        let tent = AdaptationSettings.tent(selection: "all", optimizer: optimizer)
        #expect(try JSONDecoder().decode(AdaptationSettings.self, from: Data(try json(tent).utf8)) == tent)
        var wrong = tent
        wrong.priorCounts = .eachAugmentation
        #expect(wrong.problems.map(\.setting) == ["prior_counts"])
    }
}
