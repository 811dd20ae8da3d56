import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// `FineTuner.alwaysTrained` (a new head): every method trains it besides its own selection, and
/// a tuner without it behaves as before.
@Suite struct AlwaysTrainedTests {
    let head: Set<String> = ["fc.weight", "fc.bias"]

    func bits(_ t: Tensor) -> [UInt32] { t.toArray().map(\.bitPattern) }

    func session(alwaysTrained: Set<String>, epochs: Int = 2) -> TuningSession {
        let tuner = FineTuner(model: smallResNet(), options: TrainingOptions(epochs: epochs, batchSize: 8),
                              alwaysTrained: alwaysTrained)
        return TuningSession(tuner: tuner, data: quadrantData())
    }

    /// Names of the parameters whose bits differ from `base` after the run.
    func moved(_ model: BlockModel, from base: [String: [UInt32]]) -> Set<String> {
        Set(model.namedParameters().filter { bits($0.1) != base[$0.0] }.map(\.0))
    }

    func elements(_ model: BlockModel, _ names: Set<String>) -> Int {
        model.namedParameters().filter { names.contains($0.0) }.reduce(0) { $0 + $1.1.count }
    }

    @Test func aSurgicalBlockRunTrainsTheBlockAndTheHeadAndNothingElse() throws {
        for withHead in [true, false] {
            let s = session(alwaysTrained: withHead ? head : [])
            let model = s.model
            let base = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, bits($0.1)) })
            let buffers = model.namedBuffers().map { ($0.0, bits($0.1.tensor)) }
            let method = try MethodSpec(parsing: "surgical:block2").method(for: model)
            let block2 = method.candidates(in: model)
            let result = method.run(at: GridPoint(learningRate: 1e-2, seed: 0), in: s)
            #expect(result.status == .done)
            // Frozen BatchNorm: no statistic moves either way.
            for (name, before) in buffers { #expect(bits(model.namedBuffers().first { $0.0 == name }!.1.tensor) == before) }
            let expected = withHead ? block2.union(head) : block2
            #expect(moved(model, from: base) == expected, "with head: \(withHead)")
            #expect(result.epochs.allSatisfy { $0.trainableParameters == elements(model, expected) })
        }
    }

    @Test func crossValAndSuccessiveHalvingTrainTheHeadWithEveryCandidate() throws {
        for text in ["cross-val", "successive-halving"] {
            let s = session(alwaysTrained: head, epochs: 3)
            let model = s.model
            let result = try MethodSpec(parsing: text).method(for: model).run(at: GridPoint(learningRate: 1e-2, seed: 0), in: s)
            let block = try #require(model.blocks.first { $0.name == result.selection }, "\(text)")
            let names = Set(model.namedParameters().map(\.0).filter { block.contains($0) })
            #expect(result.epochs.allSatisfy { $0.trainableParameters == elements(model, names.union(head)) },
                    "\(text) chose \(block.name)")
            // Every candidate was scored, the head's own block included.
            #expect(result.candidateValidation?.count == model.blocks.count, "\(text)")
        }
    }

    @Test func autoSNRAndAutoRGNNeverFreezeOrSlowTheHead() throws {
        // A threshold of 1 keeps only the tensor with the largest SNR; the head trains anyway.
        let s = session(alwaysTrained: head)
        let model = s.model
        let base = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, bits($0.1)) })
        let snr = AutoSNR().run(at: GridPoint(learningRate: 1e-2, hyperparameter: 1, seed: 0), in: s)
        #expect(snr.status == .done)
        #expect(head.isSubset(of: moved(model, from: base)))
        #expect(snr.epochs.allSatisfy { $0.trainableParameters < elements(model, Set(base.keys)) })
        #expect(snr.epochs.allSatisfy { $0.trainableParameters >= elements(model, head) })
        let rgn = AutoRGN().run(at: GridPoint(learningRate: 1e-2, seed: 0), in: s)
        for epoch in rgn.epochs {
            let weights = try #require(epoch.tensorWeights)
            #expect(head.allSatisfy { weights[$0] == 1 })
            #expect(weights.values.contains(0), "min-max weights still give the least-moving tensor 0")
        }
    }

    @Test func theStudyReportsWhatEveryRunTrainedBesides() throws {
        let s = session(alwaysTrained: head, epochs: 1)
        let study = MethodStudy(method: try MethodSpec(parsing: "surgical:stem"), learningRates: [1e-2], seeds: [0])
        let result = try study.run(in: s)
        let stem = try MethodSpec(parsing: "surgical:stem").method(for: s.model).candidates(in: s.model)
        #expect(result.alwaysTrained == head.sorted())
        #expect(result.trainableParameters == elements(s.model, stem.union(head)))
        let plain = try study.run(in: session(alwaysTrained: []))
        #expect(plain.alwaysTrained == [])
        #expect(plain.trainableParameters == elements(s.model, stem))
    }

    @Test func l1spAnchorsEveryTensorButTheFreshHead() throws {
        let s = session(alwaysTrained: head)
        let all = Set(s.model.namedParameters().map(\.0))
        #expect(Set(L1SP.anchors(in: s).map(\.0)) == all.subtracting(head))
        #expect(Set(L1SP.anchors(in: session(alwaysTrained: [])).map(\.0)) == all)
    }
}
