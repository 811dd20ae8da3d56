import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// Auto-RGN's ablations: all three of the authors' changes together are the authors' variant,
/// `once` keeps the first epoch's weights, and the text is checked.
@Suite struct AutoRGNAblationTests {
    @Test func theAuthorsChangesTogetherAreTheAuthorsVariant() throws {
        let session = quadrantSession(TrainingOptions(epochs: 3, batchSize: 8))
        let point = GridPoint(learningRate: 3e-3, seed: 2)
        let ablation = try MethodSpec(parsing: "auto-rgn-ablation:max+no-bn+reset").method(for: session.model)
        let authors = try MethodSpec(parsing: "auto-rgn:authors").method(for: session.model)
        #expect(ablation.candidates(in: session.model) == authors.candidates(in: session.model))
        let a = ablation.run(at: point, in: session)
        let b = authors.run(at: point, in: session)
        #expect(a.bestEpoch == b.bestEpoch && abs(a.test!.accuracy - b.test!.accuracy) < 1e-6)
        for (x, y) in zip(a.epochs, b.epochs) {
            #expect(abs(x.trainLoss - y.trainLoss) <= 1e-5 * max(1, abs(y.trainLoss)), "epoch \(x.epoch)")
            #expect(x.tensorWeights == y.tensorWeights, "epoch \(x.epoch)")
        }
        // Without `max` the weights are min-max normalized: the smallest is 0.
        let minMax = try MethodSpec(parsing: "auto-rgn-ablation:no-bn").method(for: session.model).run(at: point, in: session)
        #expect(minMax.epochs[0].tensorWeights!.values.min() == 0)
        #expect(minMax.epochs[0].tensorWeights!.keys.allSatisfy { !batchNormParameterNames(session.model).contains($0) })
    }

    @Test func onceKeepsTheFirstEpochsWeights() throws {
        let session = quadrantSession(TrainingOptions(epochs: 3, batchSize: 8))
        let point = GridPoint(learningRate: 3e-3, seed: 2)
        let once = try MethodSpec(parsing: "auto-rgn-ablation:once").method(for: session.model).run(at: point, in: session)
        let every = try MethodSpec(parsing: "auto-rgn").method(for: session.model).run(at: point, in: session)
        #expect(once.epochs.allSatisfy { $0.tensorWeights == every.epochs[0].tensorWeights })
        #expect(every.epochs[2].tensorWeights != every.epochs[0].tensorWeights, "the paper's rule recomputes")
        #expect(abs(once.epochs[0].trainLoss - every.epochs[0].trainLoss) <= 1e-6 * max(1, every.epochs[0].trainLoss))
    }

    @Test func refusesUnknownOrRepeatedChanges() {
        func message(_ text: String) -> String {
            do { _ = try MethodSpec(parsing: text); return "" } catch { return "\(error)" }
        }
        #expect(message("auto-rgn-ablation").contains("needs changes"))
        #expect(message("auto-rgn-ablation:max+fast").contains("change 'fast'"))
        #expect(message("auto-rgn-ablation:max+").contains("change ''"))
        #expect(message("auto-rgn-ablation:once+once").contains("given twice"))
        #expect(message("auto-rgn-ablation:once+max").isEmpty)
    }
}
