import Testing
import ScalpelData
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// A streamed test set (uint8 images converted per batch; a frozen prefix run per batch when its
/// activations pass the budget) gives exactly what the same set held as one Float tensor gives.
@Suite struct StreamedExampleSetTests {
    /// `count` quadrant images (1×8×8, a bright patch in the labelled quadrant) as uint8,
    /// normalized by mean 0.3, std 0.2 so inputs are spread on both sides of zero.
    static func quadrantBytes(_ count: Int, seed: UInt64) -> ImageSet {
        var rng = RandomGenerator(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count * 64), labels = [Int]()
        for n in 0..<count {
            let label = Int(rng.next() % 4)
            labels.append(label)
            for i in 0..<64 { bytes[n * 64 + i] = UInt8(rng.next() % 128) }
            let (r0, c0) = (label / 2 * 4 + 1, label % 2 * 4 + 1)
            for r in r0..<(r0 + 2) { for c in c0..<(c0 + 2) { bytes[n * 64 + r * 8 + c] = 200 + UInt8(rng.next() % 56) } }
        }
        let set = ImageSet(bytes: bytes, labels: labels, channels: 1, height: 8, width: 8, classCount: 4)
        return Preprocessing(mean: [0.3], std: [0.2]).normalized(set)
    }

    @Test func streamedEvaluationEqualsTheWholeTensor() {
        let set = Self.quadrantBytes(37, seed: 4)
        let whole = ExampleSet(set), streamed = ExampleSet(streaming: set, activationBudget: 0)
        #expect(!whole.isStreamed && streamed.isStreamed)
        #expect(streamed.inputs.toArray() == whole.inputs.toArray())
        let model = smallResNet()
        for batchSize in [500, 8] {
            #expect(evaluate(model, on: streamed, batchSize: batchSize) == evaluate(model, on: whole, batchSize: batchSize))
        }
        // Past a frozen prefix: stored activations against the prefix run per batch (over the
        // budget), and stored again when the budget allows.
        let roomy = ExampleSet(streaming: set)
        for block in 1..<model.blocks.count {
            let a = whole.advanced(through: model, to: block), b = streamed.advanced(through: model, to: block)
            let c = roomy.advanced(through: model, to: block)
            #expect(b.isStreamed && b.startBlock == block && !c.isStreamed && c.startBlock == block)
            #expect(c.inputs.toArray() == a.inputs.toArray())
            #expect(evaluate(model, on: b) == evaluate(model, on: a), "from block \(block)")
            #expect(evaluate(model, on: c) == evaluate(model, on: a), "from block \(block)")
        }
    }

    @Test(arguments: ["last", "surgical:block2", "surgical:block1"])
    func theProtocolsTestPassIsUnchanged(method text: String) throws {
        let options = TrainingOptions(epochs: 2, batchSize: 8)
        let test = Self.quadrantBytes(40, seed: 3)
        func session(streaming: Bool) -> TuningSession {
            let data = RunData(tune: ExampleSet(Self.quadrantBytes(48, seed: 1)), validation: ExampleSet(Self.quadrantBytes(24, seed: 2)),
                               test: streaming ? ExampleSet(streaming: test, activationBudget: 0) : ExampleSet(test))
            return TuningSession(tuner: FineTuner(model: smallResNet(), options: options), data: data)
        }
        let (held, streamed) = (session(streaming: false), session(streaming: true))
        let spec = try MethodSpec(parsing: text)
        let a = try spec.method(for: held.model).run(at: GridPoint(learningRate: 3e-3, seed: 1), in: held)
        let b = try spec.method(for: streamed.model).run(at: GridPoint(learningRate: 3e-3, seed: 1), in: streamed)
        #expect(a.bestEpoch == b.bestEpoch)
        #expect(a.test == b.test)
        #expect(a.test != nil)
    }
}
