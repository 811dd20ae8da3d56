/// Runs of one block at one grid point recorded elsewhere (a results database), which Cross-Val
/// takes instead of computing them, and where it hands the ones it computes.
///
/// The run of block b at (learning rate, seed) inside Cross-Val is the surgical run of b alone
/// at the same grid point on the same session: the same parameters trained from θ⁰ with the same
/// optimizer, shuffle and early stopping (`CrossValidation` documents the equality). A store
/// lets studies that share runs compute each block once: `recordedRun` is asked first, and a
/// block it does not have is computed and passed to `record`.
public protocol BlockRunStore: AnyObject {
    /// The recorded run (done or diverged) of surgical fine-tuning of `block` alone at `point`,
    /// or nil when there is none and the caller is to compute it.
    func recordedRun(ofBlock block: String, at point: GridPoint) -> RunResult?

    /// Keeps the run of `block` at `point` that the caller computed.
    func record(_ run: RunResult, ofBlock block: String, at point: GridPoint)
}
