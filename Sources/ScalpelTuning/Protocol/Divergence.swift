/// When a run counts as diverged: it is never chosen by the protocol and never saved as a patch.
///
/// A run is diverged when any training batch loss, validation loss or test loss is NaN or
/// infinite, when a trained parameter becomes NaN or infinite, or when the training loss grows past
/// `lossGrowthLimit` × max(first batch loss, 1) (a loss that explodes but stays finite, e.g. 1e10).
/// The floor of 1 keeps a model that starts almost perfect (first loss 0.001) from being called
/// diverged for an ordinary loss of 0.5.
public struct DivergenceCheck: Sendable {
    /// The multiple of the first training loss past which a run is diverged.
    public static let lossGrowthLimit = 100.0

    /// The first training batch loss of the run, once seen.
    public private(set) var firstLoss: Double?

    /// A check that has seen no training loss yet.
    public init() {}

    /// Whether the training batch loss `value` means the run diverged; records the first loss.
    public mutating func trainingLossDiverges(_ value: Double) -> Bool {
        guard value.isFinite else { return true }
        guard let first = firstLoss else {
            firstLoss = value
            return false
        }
        return value > Self.lossGrowthLimit * max(first, 1)
    }

    /// Whether an evaluation loss (validation or test) means the run diverged.
    public static func evaluationLossDiverges(_ value: Double) -> Bool { !value.isFinite }
}
