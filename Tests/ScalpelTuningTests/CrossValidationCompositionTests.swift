import Foundation
import Testing
import ScalpelEngine
import ScalpelNN
@testable import ScalpelTuning

/// Cross-Val's run of block b at a grid point is the standalone `surgical:b` run at that point,
/// bit for bit, so Cross-Val can be composed from block runs recorded elsewhere
/// (`BlockRunStore`) and give the result its own run gives.
@Suite struct CrossValidationCompositionTests {
    /// A store that hands out `recorded` (JSON round-tripped, as a database would) and keeps
    /// what Cross-Val computed.
    final class Store: BlockRunStore {
        var recorded: [String: RunResult]
        var computed: [String: RunResult] = [:]
        var asked: [String] = []

        init(_ recorded: [String: RunResult] = [:]) { self.recorded = recorded }

        func recordedRun(ofBlock block: String, at point: GridPoint) -> RunResult? {
            asked.append(block)
            return recorded[block].map(CrossValidationCompositionTests.roundTripped)
        }

        func record(_ run: RunResult, ofBlock block: String, at point: GridPoint) { computed[block] = run }
    }

    static func roundTripped(_ r: RunResult) -> RunResult {
        try! JSONDecoder().decode(RunResult.self, from: JSONEncoder().encode(r))
    }

    /// Everything a run computed, as canonical JSON: wall times zeroed, method text dropped.
    static func fingerprint(_ r: RunResult) -> String {
        var r = r
        r.seconds = 0
        r.method = nil
        r.epochs = r.epochs.map { var e = $0; e.seconds = 0; return e }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(r), as: UTF8.self)
    }

    static let options = TrainingOptions(epochs: 3, batchSize: 8)
    static let point = GridPoint(learningRate: 3e-3, seed: 1)

    @Test func crossValidationsBlockRunsAreTheStandaloneSurgicalRunsBitForBit() throws {
        let session = quadrantSession(Self.options)
        let store = Store()
        session.blockRuns = store
        _ = CrossValidation().run(at: Self.point, in: session)
        let blocks = session.model.blocks.map(\.name)
        #expect(Set(store.computed.keys) == Set(blocks) && blocks.count == 5)
        // Each block alone in a fresh session, and again in one whose prefix cache was filled in
        // another order (deepest block first).
        let reordered = quadrantSession(Self.options)
        for block in blocks.reversed() {
            let fresh = quadrantSession(Self.options)
            let method = try MethodSpec(parsing: "surgical:\(block)")
            let alone = try method.method(for: fresh.model).run(at: Self.point, in: fresh)
            let later = try method.method(for: reordered.model).run(at: Self.point, in: reordered)
            let inside = try #require(store.computed[block])
            #expect(inside.status == .done && inside.epochs.count == 3)
            #expect(inside.bestValidationAccuracy == alone.bestValidationAccuracy, "\(block)")
            #expect(inside.test?.accuracy == alone.test?.accuracy && inside.test?.loss == alone.test?.loss, "\(block)")
            #expect(inside.epochs.map(\.trainLoss) == alone.epochs.map(\.trainLoss), "\(block)")
            #expect(Self.fingerprint(inside) == Self.fingerprint(alone), "\(block)")
            #expect(Self.fingerprint(later) == Self.fingerprint(alone), "\(block) after other blocks filled the cache")
        }
        // The blocks do not all reach the same accuracy, so the choice is not trivially the first.
        #expect(Set(store.computed.values.map(\.test!.loss)).count > 1)
    }

    @Test func composedFromRecordedBlockRunsItEqualsItsOwnRun() throws {
        let reference = CrossValidation().run(at: Self.point, in: quadrantSession(Self.options))
        let first = quadrantSession(Self.options)
        let capture = Store()
        first.blockRuns = capture
        _ = CrossValidation().run(at: Self.point, in: first)

        // Every block recorded: nothing is computed, the result is the reference's, and its
        // seconds are the recorded block runs' sum.
        let all = quadrantSession(Self.options)
        let full = Store(capture.computed)
        all.blockRuns = full
        let composed = CrossValidation().run(at: Self.point, in: all)
        #expect(full.computed.isEmpty)
        #expect(full.asked == all.model.blocks.map(\.name))
        #expect(Self.fingerprint(composed) == Self.fingerprint(reference))
        #expect(composed.selection == reference.selection && composed.candidateValidation == reference.candidateValidation)
        #expect(composed.candidateValidation?.count == 5)
        let sum = capture.computed.values.reduce(0) { $0 + $1.seconds }
        #expect(abs(composed.seconds - sum) <= 1e-9 * sum)

        // Two blocks recorded: the other three are computed (and handed to the store), same result.
        let some = quadrantSession(Self.options)
        let partial = Store(capture.computed.filter { ["stem", "block2"].contains($0.key) })
        some.blockRuns = partial
        let mixed = CrossValidation().run(at: Self.point, in: some)
        #expect(Set(partial.computed.keys) == ["block1", "block3", "last"])
        #expect(Self.fingerprint(mixed) == Self.fingerprint(reference))
    }

    @Test func composeChoosesTheEarlierBlockOnATieAndSkipsDivergedRuns() {
        func run(_ validation: Double?, _ status: RunStatus, seconds: Double) -> RunResult {
            RunResult(learningRate: 1e-3, seed: 0, hyperparameter: nil, status: status, epochs: [], bestEpoch: 1,
                      bestValidationAccuracy: validation, test: Metrics(accuracy: validation ?? 0, loss: 1), seconds: seconds)
        }
        let point = GridPoint(learningRate: 1e-3, seed: 0)
        let r = CrossValidation.compose([("stem", run(0.9, .diverged, seconds: 1)), ("block1", run(0.5, .done, seconds: 2)),
                                         ("block2", run(0.7, .done, seconds: 3)), ("last", run(0.7, .done, seconds: 4))], at: point)
        #expect(r.selection == "block2")
        #expect(r.candidateValidation == ["block1": 0.5, "block2": 0.7, "last": 0.7])
        #expect(r.seconds == 10)
        let none = CrossValidation.compose([("stem", run(nil, .diverged, seconds: 2))], at: point)
        #expect(none.status == .diverged && none.selection == nil && none.seconds == 2)
    }
}
