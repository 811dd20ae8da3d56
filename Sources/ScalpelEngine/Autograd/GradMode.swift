/// Whether operations are recorded for autodiff (`torch.no_grad()` turns it off).
public enum GradMode {
    @TaskLocal public static var isEnabled: Bool = true
}

/// Runs `body` without recording operations: no graph is built and no activation is kept
/// for a backward pass (evaluation, optimizer updates, frozen feature extraction).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}
