import ScalpelData
import ScalpelEngine
import ScalpelNN

/// Labeled examples held as one tensor: images `[N, C, H, W]`, or the activations a frozen
/// prefix of a model produced for them (see `PrefixCache`) — or streamed: a uint8-backed
/// `ImageSet` converted to Float one batch at a time (see `init(streaming:)`).
public struct ExampleSet {
    /// Where the examples are.
    enum Storage {
        /// The inputs of block `startBlock`, all at once.
        case tensor(Tensor)
        /// The images; the inputs of block `startBlock` are made per batch, by blocks
        /// `0..<startBlock` of the model the batch is for. Activations of a frozen prefix are
        /// stored instead when they take at most `activationBudget` bytes.
        case images(ImageSet, activationBudget: Int)
    }
    let storage: Storage
    /// Class label of each example, in order.
    public let labels: [Int]
    /// Group of each example (label × spurious attribute), for worst-group accuracy.
    public let groups: [Int]?
    /// Index of the first model block that still has to run on `inputs` (0 for images).
    public let startBlock: Int

    /// Examples from `inputs` `[N, …]` (the inputs of block `startBlock`); traps unless N equals
    /// `labels.count`. `groups`, when given, holds one group per example.
    public init(inputs: Tensor, labels: [Int], groups: [Int]? = nil, startBlock: Int = 0) {
        precondition(inputs.shape[0] == labels.count, "ExampleSet: \(inputs.shape[0]) inputs, \(labels.count) labels")
        self.storage = .tensor(inputs)
        self.labels = labels
        self.groups = groups
        self.startBlock = startBlock
    }

    /// All images of an `ImageSet`, as one tensor.
    public init(_ set: ImageSet) {
        self.init(inputs: set.batch(Array(0..<set.count)), labels: set.labels, groups: set.groups)
    }

    /// The images of `set`, streamed when it is uint8-backed: each batch is converted to Float
    /// when it is used, and a frozen prefix's activations (`advanced(through:to:)`) are stored
    /// only if they take at most `activationBudget` bytes, else computed per batch. A
    /// Float-backed set is held as one tensor, as `init(_:)`.
    public init(streaming set: ImageSet, activationBudget: Int = 1 << 30) {
        if set.bytes != nil { self.init(streamed: set, startBlock: 0, budget: activationBudget) } else { self.init(set) }
    }

    private init(streamed set: ImageSet, startBlock: Int, budget: Int) {
        self.storage = .images(set, activationBudget: budget)
        self.labels = set.labels
        self.groups = set.groups
        self.startBlock = startBlock
    }

    /// Whether batches are converted from uint8 images as they are used.
    public var isStreamed: Bool {
        if case .images = storage { return true }
        return false
    }

    /// The inputs of block `startBlock` for every example, as one tensor (a streamed set
    /// starting at the images converts them all; one starting later has no such tensor).
    public var inputs: Tensor {
        switch storage {
        case .tensor(let t): return t
        case .images(let set, _):
            precondition(startBlock == 0, "ExampleSet.inputs: a streamed set's block-\(startBlock) inputs exist per batch only")
            return set.batch(Array(0..<set.count))
        }
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// Values per example of the stored inputs (an image's C·H·W, or a prefix's activations).
    public var elementsPerExample: Int {
        switch storage {
        case .tensor(let t): return t.shape.dropFirst().reduce(1, *)
        case .images(let set, _): return set.imageSize
        }
    }

    /// The batch `evaluate` uses by default: as many examples as hold 32 images of 3×224×224
    /// (4,816,896 values), at most 500 and at least 1. Evaluation batches only change the order
    /// of sums, so this bounds memory without changing what is computed beyond rounding.
    public var evaluationBatchSize: Int { min(500, max(1, 32 * 3 * 224 * 224 / max(elementsPerExample, 1))) }

    /// The examples at `indices`: a batch. A streamed set past block 0 needs the model
    /// (`batch(_:through:)`).
    public func batch(_ indices: [Int]) -> (inputs: Tensor, labels: [Int]) {
        switch storage {
        case .tensor(let t): return (t.samples(indices), indices.map { labels[$0] })
        case .images(let set, _):
            precondition(startBlock == 0, "ExampleSet.batch: a streamed set past block 0 needs the model")
            return (set.batch(indices), indices.map { labels[$0] })
        }
    }

    /// The examples at `indices` as inputs of block `startBlock` of `model`: for a streamed set,
    /// the images run through blocks `0..<startBlock` (in the mode the model is in, without
    /// autodiff).
    public func batch(_ indices: [Int], through model: BlockModel) -> (inputs: Tensor, labels: [Int]) {
        guard case .images(let set, _) = storage, startBlock > 0 else { return batch(indices) }
        return (withNoGrad { model.forward(blocks: 0..<startBlock, set.batch(indices)) }, indices.map { labels[$0] })
    }

    /// The activations of blocks `startBlock..<block` of `model` for every example, computed
    /// once without autodiff in evaluation mode, in batches of `batchSize` (default 256, fewer
    /// for large inputs: `evaluationBatchSize`). A streamed set keeps
    /// its images when the activations would pass its budget: it comes back starting at `block`,
    /// its prefix run per batch by the model it is evaluated with — the same function while that
    /// prefix stays frozen at this state.
    public func advanced(through model: BlockModel, to block: Int, batchSize: Int? = nil) -> ExampleSet {
        let batchSize = max(batchSize ?? min(256, evaluationBatchSize), 1)
        if block == startBlock { return self }
        precondition(block > startBlock, "advanced: block \(block) is before \(startBlock)")
        var parts: [Tensor] = []
        switch storage {
        case .tensor(let t):
            model.withMode(.eval) {
                withNoGrad {
                    for start in stride(from: 0, to: count, by: batchSize) {
                        let idx = Array(start..<min(count, start + batchSize))
                        parts.append(model.forward(blocks: startBlock..<block, t.samples(idx)))
                    }
                }
            }
        case .images(let set, let budget):
            // From the images, in the same batches; stop after the first if the whole would not fit.
            model.withMode(.eval) {
                withNoGrad {
                    for start in stride(from: 0, to: count, by: batchSize) {
                        let idx = Array(start..<min(count, start + batchSize))
                        parts.append(model.forward(blocks: 0..<block, set.batch(idx)))
                        guard start == 0 else { continue }
                        let (total, overflow) = parts[0].shape.dropFirst().reduce(1, *).multipliedReportingOverflow(by: 4 * count)
                        if overflow || total > budget { parts = []; return }
                    }
                }
            }
            if parts.isEmpty { return ExampleSet(streamed: set, startBlock: block, budget: budget) }
        }
        return ExampleSet(inputs: Tensor.stackingSamples(parts), labels: labels, groups: groups, startBlock: block)
    }
}
