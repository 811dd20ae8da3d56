/// Whether operations are recorded for autodiff (`torch.no_grad()` turns it off).
public enum GradMode {
    /// Whether operations on the current task record a graph (default `true`); bind it with
    /// `GradMode.$isEnabled.withValue(_:)`, or use `withNoGrad(_:)`.
    @TaskLocal public static var isEnabled: Bool = true
}

/// Runs `body` without recording operations: no graph is built and no activation is kept
/// for a backward pass (evaluation, optimizer updates, frozen feature extraction).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}
