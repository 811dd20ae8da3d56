import ArgumentParser

/// Parses a comma-separated list of numbers for the flag `name` (`--lr 1e-3,1e-4`).
func parseList<T: LosslessStringConvertible>(_ text: String, flag name: String, as: T.Type = T.self) throws -> [T] {
    let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !items.isEmpty else { throw ValidationError("\(name) is empty; expected a comma-separated list") }
    return try items.map { item in
        guard let v = T(item) else { throw ValidationError("\(name): '\(item)' is not a number (in '\(text)')") }
        return v
    }
}
