/// A specification that cannot run, naming the field at fault: `methods[2]: unknown method 'foo'; …`.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    /// The field, as a path into the YAML document (`methods[2]`, `shifts[0].checkpoint`, `epochs`).
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// Every problem of a specification at once, so one edit fixes them all.
public struct SpecErrors: Error, CustomStringConvertible {
    public let source: String
    public let errors: [SpecError]

    public var description: String {
        (["\(source): \(errors.count) problem\(errors.count == 1 ? "" : "s") in the experiment specification"]
            + errors.map { "  \($0)" }).joined(separator: "\n")
    }

    /// Whether some error names `field`.
    public func names(_ field: String) -> Bool { errors.contains { $0.field == field } }
}
