import Foundation
import Yams

extension ExperimentSpec {
    /// Parses a YAML document. Every syntax error, unknown key (with the nearest known key) and
    /// value of the wrong type is reported at once, by its path, line and column (`SpecSchema`);
    /// then a missing field is reported by its path.
    public init(yaml text: String, source: String = "spec") throws {
        let problems = SpecSchema.problems(in: text)
        guard problems.isEmpty else { throw SpecErrors(source: source, errors: problems) }
        do {
            self = try YAMLDecoder().decode(ExperimentSpec.self, from: text)
        } catch let error as DecodingError {
            throw SpecErrors(source: source, errors: [Self.specError(error)])
        } catch {
            throw SpecErrors(source: source, errors: [SpecError("", "not a YAML mapping: \(error)")])
        }
    }

    /// Reads and parses the YAML file at `path`.
    public init(contentsOf path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SpecErrors(source: path, errors: [SpecError("", "cannot read the file")])
        }
        try self.init(yaml: text, source: path)
    }

    /// The spec as YAML (what a sweep records beside its runs).
    public func yaml() throws -> String { try YAMLEncoder().encode(self) }

    static func specError(_ error: DecodingError) -> SpecError {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { text, key in
                if let i = key.intValue { return text + "[\(i)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            return SpecError(path(context.codingPath + [key]), "missing (required)")
        case let .typeMismatch(type, context):
            return SpecError(path(context.codingPath), "expected \(Self.typeName(type)): \(context.debugDescription)")
        case let .valueNotFound(type, context):
            return SpecError(path(context.codingPath), "expected \(Self.typeName(type)), found nothing")
        case let .dataCorrupted(context):
            return SpecError(path(context.codingPath), context.debugDescription)
        @unknown default:
            return SpecError("", "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is UInt64.Type: "an integer"
        case is Float.Type, is Double.Type: "a number"
        case is [Any].Type: "a list"
        default: "\(type)"
        }
    }
}
