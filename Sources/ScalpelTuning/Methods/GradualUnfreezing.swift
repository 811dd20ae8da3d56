import ScalpelNN

/// Gradual unfreezing (Howard & Ruder 2018; the paper's Table 4 baselines): start with one
/// block trainable and unfreeze one more every ⌊E / B⌋ epochs (E epochs, B blocks, at least 1),
/// first → last (stem first, as suits input-level shifts) or last → first (head first, as in
/// ULMFiT). In epoch e the trainable blocks are the first (or last) k(e) = min(B, 1 + ⌊(e − 1) / ⌊E/B⌋⌋).
///
/// The optimizer keeps its state across epochs; a block's state starts when it first trains.
public struct GradualUnfreezing: FineTuningMethod {
    /// The order in which blocks are unfrozen: `first-to-last` (stem first) or `last-to-first` (head first).
    public enum Direction: String, Codable, Sendable {
        case firstToLast = "first-to-last"
        case lastToFirst = "last-to-first"
    }

    /// The order of unfreezing.
    public let direction: Direction

    /// Gradual unfreezing in `direction`.
    public init(direction: Direction) { self.direction = direction }

    /// Every parameter of `model` (all blocks train by the last stage).
    public func candidates(in model: BlockModel) -> Set<String> { allParameterNames(model) }

    /// One run at `point` that unfreezes one more block every ⌊E / B⌋ epochs.
    public func run(at point: GridPoint, in session: TuningSession) -> RunResult {
        let policy = Policy(direction: direction, epochs: session.tuner.options.epochs)
        // First → last trains the stem from the first epoch; last → first reaches it by the end:
        // no prefix stays frozen for the whole run, so the run starts at the images.
        return runPolicy(policy, candidates: candidates(in: session.model), at: point, in: session)
    }

    /// The unfreezing schedule as an epoch policy.
    struct Policy: EpochPolicy {
        let direction: Direction
        let epochs: Int

        /// Number of trainable blocks in `epoch` (1-based) of a model with `blocks` blocks.
        static func unfrozenCount(epoch: Int, epochs: Int, blocks: Int) -> Int {
            let interval = max(1, epochs / max(blocks, 1))
            return min(blocks, 1 + (epoch - 1) / interval)
        }

        mutating func beforeEpoch(_ epoch: Int, context: EpochContext) -> [String: Double]? {
            let blocks = context.model.blocks
            let k = Self.unfrozenCount(epoch: epoch, epochs: epochs, blocks: blocks.count)
            let open = direction == .firstToLast ? Array(blocks.prefix(k)) : Array(blocks.suffix(k))
            let names = context.candidates.filter { n in open.contains { $0.contains(n) } }
            context.model.freeze()
            context.model.unfreeze(names)
            return nil
        }
    }
}
