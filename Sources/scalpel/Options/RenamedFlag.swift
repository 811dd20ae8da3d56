import ArgumentParser
import Foundation

/// A flag renamed so that one concept has one spelling across commands (docs/cli.md). The old
/// spelling still parses for one release, hidden from the help, and warns on standard error.
///
/// Declare the old spelling as a hidden optional beside the new one and resolve it in `validate()`:
///
///     @Option(name: .customLong("wd"), help: .hidden) var oldWeightDecay: Float?
///     ...
///     try RenamedFlag("--wd", to: "--weight-decay").resolve(&weightDecay, old: oldWeightDecay)
struct RenamedFlag {
    /// The old spelling, e.g. `--wd`.
    let old: String
    /// The spelling to use now, e.g. `--weight-decay`.
    let new: String
    /// What else changed, if anything, e.g. that the value counts per class.
    let note: String?

    init(_ old: String, to new: String, note: String? = nil) {
        self.old = old
        self.new = new
        self.note = note
    }

    /// The line printed on standard error when the old spelling is used.
    var warning: String {
        "scalpel: \(old) is deprecated and will be removed in the next release; use \(new)" + (note.map { " (\($0))" } ?? "")
    }

    /// Takes the old spelling's value, if given, into a flag with a default (the old spelling wins:
    /// a flag with a default cannot tell whether it was given).
    func resolve<Value>(_ value: inout Value, old oldValue: Value?) {
        guard let oldValue else { return }
        Self.warn(warning)
        value = oldValue
    }

    /// Takes the old spelling's value, if given, into an optional flag; both spellings at once is
    /// a usage error.
    func resolve<Value>(_ value: inout Value?, old oldValue: Value?) throws {
        guard let oldValue else { return }
        guard value == nil else { throw ValidationError("give \(new) or its old spelling \(old), not both") }
        Self.warn(warning)
        value = oldValue
    }

    private static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
