/// A specification that cannot run, naming the field at fault: `methods[2]: unknown method 'foo'; …`.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    /// The field, as a path into the YAML document (`methods[2]`, `shifts[0].checkpoint`, `epochs`).
    public let field: String
    /// What is wrong and, where it helps, what was expected.
    public let message: String

    /// An error for `field` (empty when the caller names it later, as `CheckpointSource.open` does).
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`, or just the message when there is no field.
    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// Every problem of a specification at once, so one edit fixes them all.
public struct SpecErrors: Error, CustomStringConvertible {
    /// The spec's file as given to `ExperimentSpec.plan(source:)` (`spec` when there is none).
    public let source: String
    /// Every problem found, in the order the fields were checked.
    public let errors: [SpecError]

    /// A heading `SOURCE: N problems in the experiment specification`, then each error on its own
    /// indented line.
    public var description: String {
        (["\(source): \(errors.count) problem\(errors.count == 1 ? "" : "s") in the experiment specification"]
            + errors.map { "  \($0)" }).joined(separator: "\n")
    }

    /// Whether some error names `field`.
    public func names(_ field: String) -> Bool { errors.contains { $0.field == field } }
}
