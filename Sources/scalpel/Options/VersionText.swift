import ScalpelEngine
import ScalpelExperiments

/// What `scalpel --version` prints: the version, the git commit and the kernels.
///
/// SwiftPM cannot bake the commit into the binary without a generated source file, so the
/// commit is read when asked: `SCALPEL_COMMIT` if set, else `git rev-parse HEAD` of the
/// repository the executable sits in (`ToolVersion.commit`, what sweeps record too), else
/// "unknown" for a binary copied out of its checkout (never the working directory's commit).
enum VersionText {
    /// The release of this source tree (`ScalpelVersion.current`).
    static let version = ScalpelVersion.current

    static var full: String {
        let kernels = KernelBackend.hasOneDNN ? "onednn and blas kernels" : "blas kernels (no oneDNN)"
        return "scalpel \(version) (commit \(ToolVersion.commit); \(kernels), default \(KernelBackend.environmentDefault))"
    }

    /// Prints the version and returns true when the arguments are exactly `--version`, before
    /// argument parsing (which would print only the constant).
    static func handled(_ arguments: [String]) -> Bool {
        guard arguments == ["--version"] else { return false }
        print(full)
        return true
    }
}
