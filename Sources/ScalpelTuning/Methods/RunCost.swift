/// What a run computed, counted in example-block passes: one example through one block of the
/// model, forward or backward. Blocks are counted alike, whatever their FLOPs, so the counts
/// compare runs of one model on one data set, not models. Activations of a frozen prefix that
/// the `TuningSession` computed once are not counted (every method of the session shares them).
///
/// For a plain run of E epochs on N tune, V validation and T test examples that runs blocks
/// s..<B forward and backpropagates to block f:
///
///     forward  = E·(N + V)·(B − s) + T·(B − s)
///     backward = E·N·(B − f)
///
/// `fullFineTuning*` are these counts for full fine-tuning at the same grid point (s = f = 0),
/// the reference against which the paper's one-run methods are compared.
public struct RunCost: Codable, Sendable, Equatable {
    /// Example-block passes forward: training batches, validation after each epoch, test once.
    public var forwardExampleBlocks: Int
    /// Example-block passes backward: training batches, from the loss to the first trained block.
    public var backwardExampleBlocks: Int
    /// Epochs each candidate trained, by candidate name (the block).
    public var epochsByCandidate: [String: Int]
    /// Forward passes of one full fine-tuning run with the same epochs and data.
    public var fullFineTuningForward: Int
    /// Backward passes of one full fine-tuning run with the same epochs and data.
    public var fullFineTuningBackward: Int

    /// A cost from its counts; all default to zero (nothing computed yet).
    public init(forwardExampleBlocks: Int = 0, backwardExampleBlocks: Int = 0, epochsByCandidate: [String: Int] = [:],
                fullFineTuningForward: Int = 0, fullFineTuningBackward: Int = 0) {
        self.forwardExampleBlocks = forwardExampleBlocks
        self.backwardExampleBlocks = backwardExampleBlocks
        self.epochsByCandidate = epochsByCandidate
        self.fullFineTuningForward = fullFineTuningForward
        self.fullFineTuningBackward = fullFineTuningBackward
    }

    /// (forward + backward) over full fine-tuning's (forward + backward); nil without a reference.
    public var relativeToFullFineTuning: Double? {
        let reference = fullFineTuningForward + fullFineTuningBackward
        guard reference > 0 else { return nil }
        return Double(forwardExampleBlocks + backwardExampleBlocks) / Double(reference)
    }

    /// The counts of a plain run (formula above).
    public static func plainRun(epochs: Int, tune: Int, validation: Int, test: Int, blocks: Int, start: Int,
                                firstTrained: Int) -> (forward: Int, backward: Int) {
        let suffix = blocks - start
        return (epochs * (tune + validation) * suffix + test * suffix, epochs * tune * (blocks - firstTrained))
    }
}
