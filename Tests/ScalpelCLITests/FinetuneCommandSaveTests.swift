import Foundation
import Testing
import ScalpelEngine
import ScalpelNN
import ScalpelTuning
@testable import scalpel

/// `finetune --method cross-val --save-patch` (FinetuneCommand+Save.swift): the restore step
/// reruns only the chosen block's surgical run, so the patch it writes must be that run — the
/// test accuracy and loss Cross-Val reported for the block, the logits of the block's own
/// surgical run — and hold that block's tensors and nothing else.
@Suite struct FinetuneCommandSaveTests {
    /// `count` 1×8×8 images: seeded noise in [−0.25, 0.25) plus 1 on the quadrant given by the
    /// label (n mod 4), a task a small ResNet learns in a few epochs.
    static func quadrants(_ count: Int, seed: UInt64) -> ExampleSet {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func noise() -> Float {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state % 1000) / 2000 - 0.25
        }
        var values: [Float] = [], labels: [Int] = []
        for n in 0..<count {
            labels.append(n % 4)
            for i in 0..<64 { values.append(noise() + ((i / 8) / 4 * 2 + (i % 8) / 4 == n % 4 ? 1 : 0)) }
        }
        return ExampleSet(inputs: Tensor(shape: [count, 1, 8, 8], data: values), labels: labels)
    }

    @Test func crossValsPatchIsTheChosenBlocksRunAndHoldsOnlyItsTensors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-save-patch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = dir + "/base.safetensors", patch = dir + "/chosen.patch.safetensors"
        // A ResNet-8 (stem, block1-3, last): Cross-Val has five candidates.
        let model = CIFARResNet(inChannels: 1, classes: 4, width: 1, blocksPerStage: 1, seed: 7)
        try Checkpoint.save(model, to: base)
        let options = TrainingOptions(epochs: 2, batchSize: 16)
        let data = RunData(tune: Self.quadrants(48, seed: 1), validation: Self.quadrants(24, seed: 2),
                           test: Self.quadrants(40, seed: 3))
        let session = TuningSession(tuner: FineTuner(model: model, options: options), data: data)
        let spec = try MethodSpec(parsing: "cross-val")
        let result = try MethodStudy(method: spec, learningRates: [1e-2], seeds: [0]).run(in: session) { _, _, _ in }
        let chosen = try #require(result.chosenRuns.first)
        let block = try #require(chosen.selection)
        let reported = try #require(chosen.test)
        // The case this test is about: a block behind a cached frozen prefix, and not the last
        // block Cross-Val ran (whose state the model would still hold had nothing been rerun).
        #expect(block != model.blocks.first?.name && block != model.blocks.last?.name, "chose \(block)")

        // Whatever the model holds after the study (here every parameter moved by 0.5) must not
        // reach the patch: the restore step starts from the checkpoint's state.
        for (_, p) in model.namedParameters() {
            p.copyValues(from: Tensor(shape: p.shape, data: p.toArray().map { $0 + 0.5 }))
        }
        let command = try #require(try Scalpel.parseAsRoot([
            "finetune", "--checkpoint", base, "--shift", "fmnist-flip", "--method", "cross-val", "--lr", "1e-2",
            "--epochs", "2", "--batch-size", "16", "--seeds", "0", "--save-patch", patch]) as? FinetuneCommand)
        try command.saveChosenPatch(chosen, studyRuns: result.runs.count, spec: spec, session: session, to: patch)

        // Only the chosen block's tensors (BatchNorm frozen: its statistics never move), all of them.
        let manifest = try Patch.readManifest(patch)
        let blockTensors = Set(try Selection.block(block).parameterNames(in: model))
        #expect(!blockTensors.isEmpty && Set(manifest.tensors) == blockTensors, "\(block): \(manifest.tensors)")
        #expect(manifest.selection == block && manifest.method == "cross-val")
        #expect(manifest.metrics["test_accuracy"] == reported.accuracy)

        // Re-applied to the checkpoint: what Cross-Val reported for the block. The reported loss was
        // computed on activations cached past the frozen prefix (another batch shape): within rounding.
        let patched = CIFARResNet(inChannels: 1, classes: 4, width: 1, blocksPerStage: 1, seed: 99)
        try Patch.apply(patch, to: patched, baseCheckpointPath: base)
        let metrics = evaluate(patched, on: data.test)
        #expect(metrics.accuracy == reported.accuracy)
        #expect(abs(metrics.loss - reported.loss) <= 1e-5 * max(1, reported.loss), "\(metrics.loss) vs \(reported.loss)")

        // And the block's own surgical run at the same point, in a fresh session: the same test
        // metrics and, from the patched checkpoint, the same logits bit for bit.
        let alone = CIFARResNet(inChannels: 1, classes: 4, width: 1, blocksPerStage: 1, seed: 7)
        let aloneSession = TuningSession(tuner: FineTuner(model: alone, options: options), data: data)
        let run = try MethodSpec(parsing: "surgical:\(block)").method(for: alone)
            .run(at: GridPoint(learningRate: 1e-2, seed: 0), in: aloneSession)
        #expect(run.test == reported && run.bestEpoch == chosen.bestEpoch)
        patched.eval()
        alone.eval()
        let (fromPatch, fromRun) = withNoGrad { (patched(data.test.inputs).toArray(), alone(data.test.inputs).toArray()) }
        #expect(fromPatch.count == 40 * 4 && fromPatch == fromRun)
    }
}
