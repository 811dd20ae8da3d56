import ScalpelData
import ScalpelEngine
import ScalpelNN

/// Labeled examples held as one tensor: images `[N, C, H, W]`, or the activations a frozen
/// prefix of a model produced for them (see `PrefixCache`).
public struct ExampleSet {
    public let inputs: Tensor
    public let labels: [Int]
    /// Group of each example (label × spurious attribute), for worst-group accuracy.
    public let groups: [Int]?
    /// Index of the first model block that still has to run on `inputs` (0 for images).
    public let startBlock: Int

    public init(inputs: Tensor, labels: [Int], groups: [Int]? = nil, startBlock: Int = 0) {
        precondition(inputs.shape[0] == labels.count, "ExampleSet: \(inputs.shape[0]) inputs, \(labels.count) labels")
        self.inputs = inputs
        self.labels = labels
        self.groups = groups
        self.startBlock = startBlock
    }

    /// All images of an `ImageSet`.
    public init(_ set: ImageSet) {
        self.init(inputs: set.batch(Array(0..<set.count)), labels: set.labels, groups: set.groups)
    }

    public var count: Int { labels.count }

    /// The examples at `indices`: a batch.
    public func batch(_ indices: [Int]) -> (inputs: Tensor, labels: [Int]) {
        (inputs.samples(indices), indices.map { labels[$0] })
    }

    /// The activations of blocks `startBlock..<block` of `model` for every example, computed
    /// once without autodiff in evaluation mode, in batches of `batchSize`.
    public func advanced(through model: BlockModel, to block: Int, batchSize: Int = 256) -> ExampleSet {
        if block == startBlock { return self }
        precondition(block > startBlock, "advanced: block \(block) is before \(startBlock)")
        var parts: [Tensor] = []
        model.withMode(.eval) {
            withNoGrad {
                for start in stride(from: 0, to: count, by: batchSize) {
                    let idx = Array(start..<min(count, start + batchSize))
                    parts.append(model.forward(blocks: startBlock..<block, inputs.samples(idx)))
                }
            }
        }
        return ExampleSet(inputs: Tensor.stackingSamples(parts), labels: labels, groups: groups, startBlock: block)
    }
}
