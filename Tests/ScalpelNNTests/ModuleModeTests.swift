import Testing
import ScalpelEngine
@testable import ScalpelNN

/// Training mode and the BatchNorm policy as one Module API (issue 16): `train(batchNorm: .frozen)`
/// trains the selection while every running statistic stays bit-identical (PyTorch's
/// `model.train()` moves them), and `withMode` restores each module's own previous mode.
@Suite struct ModuleModeTests {
    /// Every BatchNorm buffer (running mean, variance, batches tracked) as bit patterns, by name.
    static func bufferBits(_ model: Module) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.namedBuffers().map { ($0.0, $0.1.tensor.toArray().map(\.bitPattern)) })
    }

    static func parameterBits(_ model: Module, in names: Set<String>) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.namedParameters().filter { names.contains($0.0) }
            .map { ($0.0, $0.1.toArray().map(\.bitPattern)) })
    }

    @Test func frozenBatchNormTrainStepLeavesRunningStatisticsBitIdentical() throws {
        let model = PatchTests.smallResNet(seed: 3)
        let block1 = PatchTests.blockNames(model, "block1").filter { n in model.namedParameters().contains { $0.0 == n } }
        let buffersBefore = Self.bufferBits(model)
        let block1Before = Self.parameterBits(model, in: block1)
        try PatchTests.fineTune(model, selection: "block1", batchNorm: .frozen)
        #expect(Self.bufferBits(model) == buffersBefore)
        #expect(Self.parameterBits(model, in: block1) != block1Before, "the selection trained")
        #expect(model.namedModules().allSatisfy { ($0.1 is BatchNorm2d) ? !$0.1.isTraining : $0.1.isTraining })
    }

    /// The pitfall the frozen policy avoids: `train()` (PyTorch's habit) moves the running
    /// statistics of every BatchNorm, also of blocks whose parameters are frozen.
    @Test func plainTrainModeMovesFrozenBlocksStatistics() throws {
        let model = PatchTests.smallResNet(seed: 3)
        try model.setTrainable("block1")
        let stemBuffers = model.namedBuffers().filter { $0.0.hasPrefix("bn1.") }.map { $0.1.tensor.toArray() }
        #expect(!stemBuffers.isEmpty)
        model.train()
        _ = model(PatchTests.batch(seed: 5).0)
        let after = model.namedBuffers().filter { $0.0.hasPrefix("bn1.") }.map { $0.1.tensor.toArray() }
        #expect(after != stemBuffers)
    }

    /// A tree in mixed modes: every third module training, one BatchNorm with a test-time prior.
    static func mixedModes(_ model: Module) -> [(Bool, Float?)] {
        for (i, (_, m)) in model.namedModules().enumerated() { m.isTraining = i % 3 == 0 }
        let norms = model.namedModules().compactMap { $0.1 as? BatchNorm2d }
        norms[1].testTimePrior = 16
        return model.namedModules().map { ($0.1.isTraining, ($0.1 as? BatchNorm2d)?.testTimePrior) }
    }

    static func modes(_ model: Module) -> [(Bool, Float?)] {
        model.namedModules().map { ($0.1.isTraining, ($0.1 as? BatchNorm2d)?.testTimePrior) }
    }

    @Test func withModeRestoresMixedModes() {
        let model = PatchTests.smallResNet()
        let before = Self.mixedModes(model)
        #expect(before.contains { $0.0 } && before.contains { !$0.0 })
        let inside = model.withMode(.eval) { model.namedModules().map(\.1.isTraining) }
        #expect(inside.allSatisfy { !$0 })
        #expect(Self.modes(model).elementsEqual(before) { $0 == $1 })

        model.withMode(.train(batchNorm: .frozen)) {
            #expect(model.namedModules().allSatisfy { ($0.1 is BatchNorm2d) ? !$0.1.isTraining : $0.1.isTraining })
            model.withMode(.train(batchNorm: .updating)) {
                #expect(model.namedModules().allSatisfy { $0.1.isTraining })
            }
            #expect(model.namedModules().allSatisfy { ($0.1 is BatchNorm2d) ? !$0.1.isTraining : $0.1.isTraining })
        }
        #expect(Self.modes(model).elementsEqual(before) { $0 == $1 })
    }

    struct Failure: Error {}

    @Test func withModeRestoresModesWhenTheBodyThrows() {
        let model = PatchTests.smallResNet()
        let before = Self.mixedModes(model)
        #expect(throws: Failure.self) {
            try model.withMode(.train(batchNorm: .updating)) {
                for case let bn as BatchNorm2d in model.namedModules().map(\.1) { bn.testTimePrior = 4 }
                throw Failure()
            }
        }
        #expect(Self.modes(model).elementsEqual(before) { $0 == $1 })
    }

    @Test func policiesKeepTheirRecordedSpellings() {
        #expect(BatchNormPolicy(rawValue: "eval") == .frozen)
        #expect(BatchNormPolicy(rawValue: "train") == .updating)
    }
}
