/// The release of this source tree, one constant for the whole package: what `scalpel
/// --version` prints and what a patch manifest records as the Scalpel that wrote it. Bumped by
/// hand with a release.
public enum ScalpelVersion {
    /// The version, e.g. "0.9.0".
    public static let current = "0.9.0"
}
