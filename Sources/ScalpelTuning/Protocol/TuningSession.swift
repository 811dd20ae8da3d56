import ScalpelEngine
import ScalpelNN

/// What every run on one (model, pre-trained state, target data, options) shares: the
/// `FineTuner`, the target data, and the activations of frozen prefixes of the network.
///
/// Surgery-aware execution: when a run trains nothing below block k and the prefix
/// `blocks[0..<k]` is a fixed function of the input during fine-tuning (its parameters frozen,
/// BatchNorm in eval mode, no random augmentation; see `FineTuner.prefixIsCacheable`), the
/// prefix's activations for tune, validation and test are computed once, at θ⁰, and every run
/// (other learning rates, seeds, hyperparameters, methods) trains and evaluates only the suffix.
/// The result is the same computation in a different order: the prefix sees the same inputs
/// and the same parameters either way.
public final class TuningSession {
    /// The fine-tuner every run uses: the model, θ⁰, the options and `alwaysTrained`.
    public let tuner: FineTuner
    /// The target data as images (starting at block 0).
    public let data: RunData
    /// Whether to reuse frozen-prefix activations (on by default; off to compare).
    public var cachesPrefixes: Bool
    /// Where Cross-Val finds and keeps its runs of single blocks (nil: it computes every block).
    public var blockRuns: BlockRunStore?
    private var cache: [Int: RunData] = [:]

    /// A session on `data`; traps unless `data` starts at block 0 (images).
    public init(tuner: FineTuner, data: RunData, cachesPrefixes: Bool = true) {
        precondition(data.startBlock == 0, "TuningSession: data must start at the input (block 0)")
        self.tuner = tuner
        self.data = data
        self.cachesPrefixes = cachesPrefixes
    }

    /// The tuner's model.
    public var model: BlockModel { tuner.model }

    /// The data for a run that trains only `selection`: advanced past the frozen prefix when
    /// that is exact, else the images.
    public func data(forTraining selection: Set<String>) -> RunData {
        let first = min(tuner.firstTrainableBlock(selection), model.blocks.count - 1)
        guard cachesPrefixes, tuner.prefixIsCacheable(upTo: first) else { return data }
        return data(startingAt: first)
    }

    /// The target data advanced through the blocks before `block` at the pre-trained state,
    /// computed from the deepest cached level below it.
    public func data(startingAt block: Int) -> RunData {
        if block == 0 { return data }
        if let hit = cache[block] { return hit }
        let from = cache.keys.filter { $0 < block }.max().flatMap { cache[$0] } ?? data
        model.restore(tuner.base)
        let advanced = RunData(tune: from.tune.advanced(through: model, to: block),
                               validation: from.validation.advanced(through: model, to: block),
                               test: from.test.advanced(through: model, to: block))
        cache[block] = advanced
        return advanced
    }

    /// The block indices at which cached activations start (the data skips the blocks before).
    public var cachedBlocks: [Int] { cache.keys.sorted() }

    /// Names of the blocks that ran once per data set instead of every batch (the deepest
    /// cached prefix).
    public var blocksComputedOnce: [String] {
        guard let deepest = cache.keys.max() else { return [] }
        return model.blocks[0..<deepest].map(\.name)
    }

    /// Frees the cached activations.
    public func clearCache() { cache.removeAll() }
}
