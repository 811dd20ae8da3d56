import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// A surgical run trains its selection and nothing else.
@Suite struct SurgicalRunTests {
    func bits(_ t: Tensor) -> [UInt32] { t.toArray().map(\.bitPattern) }

    @Test func frozenTensorsAndStatisticsStayBitIdenticalWithEvalBatchNorm() throws {
        let session = quadrantSession(TrainingOptions(epochs: 2, batchSize: 8))
        let model = session.model
        let base = model.stateDict().map { ($0.name, bits($0.tensor)) }
        let method = try MethodSpec(parsing: "surgical:block2").method(for: model)
        let result = method.run(at: GridPoint(learningRate: 1e-2, seed: 0), in: session)
        #expect(result.status == .done)
        let selected = method.candidates(in: model)
        var changed = 0
        for (entry, (name, before)) in zip(model.stateDict(), base) {
            if selected.contains(name) {
                if bits(entry.tensor) != before { changed += 1 }
            } else {
                #expect(bits(entry.tensor) == before, "\(name) moved but is not in block2")
            }
        }
        #expect(changed == selected.count, "every block2 tensor trains")
    }

    @Test func trainModeBatchNormUpdatesStatisticsButNotFrozenParameters() throws {
        let session = quadrantSession(TrainingOptions(epochs: 1, batchSize: 8, batchNorm: .updating))
        let model = session.model
        let base = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, bits($0.tensor)) })
        let method = try MethodSpec(parsing: "last").method(for: model)
        _ = method.run(at: GridPoint(learningRate: 1e-2, seed: 0), in: session)
        for (name, p) in model.namedParameters() where !name.hasPrefix("fc.") {
            #expect(bits(p) == base[name], "\(name)")
        }
        let stats = model.namedBuffers().filter { $0.0.hasSuffix("running_mean") }
        #expect(stats.contains { bits($0.1.tensor) != base[$0.0] }, "train-mode BN moves running statistics")
    }

    @Test func aDivergentLearningRateIsReportedAsDiverged() throws {
        let session = quadrantSession(TrainingOptions(epochs: 3, batchSize: 8, optimizer: .sgd))
        let method = try MethodSpec(parsing: "all").method(for: session.model)
        let diverged = method.run(at: GridPoint(learningRate: 1e6, seed: 0), in: session)
        #expect(diverged.status == .diverged)
        let fine = method.run(at: GridPoint(learningRate: 1e-2, seed: 0), in: session)
        #expect(fine.status == .done && fine.epochs.count == 3 && fine.test != nil)
    }
}
