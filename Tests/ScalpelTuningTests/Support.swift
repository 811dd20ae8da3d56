import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// A small learnable task: 1×8×8 images of noise with a bright 3×3 patch in one of four
/// quadrants; the label is the quadrant. `count` examples, seeded.
func quadrantExamples(_ count: Int, seed: UInt64, groups: Bool = false) -> ExampleSet {
    var rng = RandomGenerator(seed: seed)
    var values = [Float](repeating: 0, count: count * 64)
    var labels: [Int] = []
    for n in 0..<count {
        let label = Int(rng.next() % 4)
        labels.append(label)
        for i in 0..<64 { values[n * 64 + i] = Float(rng.nextDouble()) * 0.5 - 0.25 }
        let (r0, c0) = (label / 2 * 4 + 1, label % 2 * 4 + 1)
        for r in r0..<(r0 + 2) { for c in c0..<(c0 + 2) { values[n * 64 + r * 8 + c] += 1.5 } }
    }
    return ExampleSet(inputs: Tensor(shape: [count, 1, 8, 8], data: values), labels: labels,
                      groups: groups ? labels.map { $0 % 2 } : nil)
}

/// Tune / validation / test sets of the quadrant task.
func quadrantData(tune: Int = 48, validation: Int = 24, test: Int = 40) -> RunData {
    RunData(tune: quadrantExamples(tune, seed: 1), validation: quadrantExamples(validation, seed: 2),
            test: quadrantExamples(test, seed: 3))
}

/// A ResNet-8 (stem, block1-3, last) for 1-channel images and 4 classes, seeded.
func smallResNet(seed: UInt64 = 7) -> CIFARResNet {
    CIFARResNet(inChannels: 1, classes: 4, width: 1, blocksPerStage: 1, seed: seed)
}

/// A session on the quadrant task with the given options.
func quadrantSession(_ options: TrainingOptions, caches: Bool = true, seed: UInt64 = 7) -> TuningSession {
    TuningSession(tuner: FineTuner(model: smallResNet(seed: seed), options: options), data: quadrantData(),
                  cachesPrefixes: caches)
}

let fixturesRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)
    return parts.joined(separator: "/") + "/Fixtures"
}()
