import Foundation

extension ResultsDatabase {
    /// One line per stored value that does not decode, naming the run and the column: a
    /// finished run whose `result` JSON is unreadable (a report would show its cells as "–"), an
    /// epoch whose `tensor_weights` are, an adaptation run whose `configuration` or `predictions`
    /// are. Empty for a database written by Scalpel and left alone.
    public func unreadableValues() throws -> [String] {
        var problems: [String] = []
        for run in try runs() {
            if run.status != .failed && run.result == nil {
                problems.append("\(path): \(run.label) is \(run.status.rawValue) but has no result JSON")
            }
            do { _ = try run.decodeResult() } catch {
                problems.append("\(path): \(run.label): its result JSON does not decode (\(Self.reason(error))); " +
                                "its cells show as –")
            }
        }
        for (key, rows) in try epochs() {
            for row in rows where row.tensorWeights != nil && row.weights == nil {
                problems.append("\(path): run \(key.prefix(12)) epoch \(row.epoch): its tensor_weights JSON does not decode")
            }
        }
        for run in try adaptationRuns() {
            let label = "adaptation run \(run.key.prefix(12)) (\(run.shift) \(run.method) \(run.mode) \(run.selection) seed \(run.seed))"
            if run.decodedConfiguration == nil { problems.append("\(path): \(label): its configuration JSON does not decode") }
            if run.predictions != nil && run.decodedPredictions == nil {
                problems.append("\(path): \(label): its predictions JSON does not decode")
            }
        }
        return problems
    }

    /// A decoding error in a few words (`DecodingError`'s own description is a page long).
    static func reason(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let c): return c.underlyingError.map { "\($0.localizedDescription)" } ?? c.debugDescription
        case .keyNotFound(let key, _): return "no '\(key.stringValue)'"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
