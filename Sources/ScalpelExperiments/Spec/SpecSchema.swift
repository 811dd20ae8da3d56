import Yams

/// The shape of the YAML value a specification field takes, for checking a whole document before
/// it is decoded: every unknown key, every value of the wrong type and every syntax error is
/// reported at once, each with its line and column.
indirect enum SpecShape: Sendable {
    case string
    case integer
    /// An integer ≥ 0 (seeds).
    case count
    case number
    /// A number or `inf` (MEMO's prior).
    case numberOrInfinity
    /// An integer ≥ 0, or this word (`split_seed: per-seed`).
    case countOr(String)
    case list(SpecShape)
    /// A mapping with exactly these optional keys.
    case fields([String: SpecShape])
    /// A mapping with any keys, every value of this shape.
    case map(SpecShape)
    /// A string, or else a value of this shape (a shift given as text or as a map).
    case stringOr(SpecShape)

    var name: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .count: "an integer ≥ 0"
        case .number: "a number"
        case .numberOrInfinity: "a number or inf"
        case .countOr(let word): "an integer ≥ 0 or \(word)"
        case .list(let element): "a list of \(element.plural)"
        case .fields, .map: "a mapping"
        case .stringOr(let other): "a string or \(other.name)"
        }
    }

    var plural: String {
        switch self {
        case .string: "strings"
        case .integer: "integers"
        case .count: "integers ≥ 0"
        case .number: "numbers"
        case .numberOrInfinity: "numbers or inf"
        case .countOr(let word): "integers ≥ 0 or \(word)"
        case .list: "lists"
        case .fields, .map: "mappings"
        case .stringOr: "strings or mappings"
        }
    }
}

/// The fields of an experiment specification (`ExperimentSpec`, `AdaptationSpec`).
enum SpecSchema {
    static let adaptation: SpecShape = .fields([
        "method": .string, "modes": .list(.string), "selections": .list(.string), "augmentations": .integer,
        "steps": .integer, "augmix_severity": .integer, "prior": .numberOrInfinity, "prior_counts": .string,
        "batch_size": .integer,
        "optimizer": .string, "learning_rates": .list(.number), "weight_decay": .number, "momentum": .number,
        "test_size": .integer, "every": .integer, "seeds": .list(.count),
    ])

    static let experiment: SpecShape = .fields([
        "name": .string, "checkpoints": .list(.string),
        "shifts": .list(.stringOr(.fields(["shift": .string, "checkpoint": .string, "name": .string, "target": .string,
                                           "source": .string, "corrupt": .string]))),
        "methods": .list(.string), "learning_rates": .list(.number), "method_learning_rates": .map(.list(.number)),
        "hyperparameters": .map(.list(.number)), "target_sizes": .list(.integer), "validation_per_class": .integer,
        "test_per_class": .integer, "seeds": .list(.count), "split_seed": .countOr(SplitSeed.perSeedWord), "epochs": .integer,
        "batch_size": .integer, "weight_decay": .number, "batch_norm": .string, "optimizer": .string,
        "data_dir": .string, "adaptation": .list(adaptation), "reuse": .list(.string),
    ])

    /// Every problem of the YAML document `text` against `SpecSchema.experiment`, in document order.
    static func problems(in text: String) -> [SpecError] {
        let root: Node?, positions: KeyPositions
        do {
            (root, positions) = try KeyPositions.compose(text)
        } catch let error as YamlError {
            return [syntaxError(error)]
        } catch {
            return [SpecError("", "not YAML: \(error)")]
        }
        guard let root else { return [SpecError("", "the document is empty")] }
        var problems: [(Int, Int, SpecError)] = []
        check(root, against: experiment, path: "", keys: positions, into: &problems)
        return problems.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    static func syntaxError(_ error: YamlError) -> SpecError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return SpecError("", "line \(mark.line), column \(mark.column): YAML syntax error: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return SpecError("", "line \(context.mark.line), column \(context.mark.column): duplicate key \(keys)")
        default:
            return SpecError("", "YAML error: \(error)")
        }
    }

    static func check(_ node: Node, against shape: SpecShape, path: String, keys: KeyPositions,
                      into problems: inout [(Int, Int, SpecError)]) {
        let (line, column) = (node.mark?.line ?? 0, node.mark?.column ?? 0)
        func fail(_ message: String) {
            problems.append((line, column, SpecError(path, "line \(line), column \(column): \(message)")))
        }
        if case .scalar(let s) = node, s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) {
            return  // an absent value: the field keeps its default
        }
        switch shape {
        case .string:
            guard case .scalar = node else { return fail("expected \(shape.name), found \(describe(node))") }
        case .integer, .count, .number, .numberOrInfinity:
            guard case .scalar(let s) = node, s.style == .plain || shape.isNumberOrInfinity, accepts(s.string, shape) else {
                return fail("expected \(shape.name), found \(describe(node))")
            }
        case .countOr(let word):
            guard case .scalar(let s) = node, s.string == word || (s.style == .plain && UInt64(s.string) != nil) else {
                return fail("expected \(shape.name), found \(describe(node))")
            }
        case .list(let element):
            guard case .sequence(let items) = node else { return fail("expected \(shape.name), found \(describe(node))") }
            for (i, item) in items.enumerated() { check(item, against: element, path: path + "[\(i)]", keys: keys, into: &problems) }
        case .stringOr(let other):
            if case .scalar = node { return }
            check(node, against: other, path: path, keys: keys, into: &problems)
        case .fields(let fields):
            guard case .mapping(let mapping) = node else { return fail("expected \(shape.name), found \(describe(node))") }
            for (key, keyPath, line, column, value) in uniqueKeys(of: mapping, path: path, keys: keys, into: &problems) {
                guard let fieldShape = fields[key] else {
                    let hint = nearest(to: key, among: fields.keys).map { "; did you mean '\($0)'?" } ?? ""
                    problems.append((line, column, SpecError(keyPath, "line \(line), column \(column): unknown key '\(key)'\(hint)")))
                    continue
                }
                check(value, against: fieldShape, path: keyPath, keys: keys, into: &problems)
            }
        case .map(let valueShape):
            guard case .mapping(let mapping) = node else { return fail("expected \(shape.name), found \(describe(node))") }
            for (_, keyPath, _, _, value) in uniqueKeys(of: mapping, path: path, keys: keys, into: &problems) {
                check(value, against: valueShape, path: keyPath, keys: keys, into: &problems)
            }
        }
    }

    /// The pairs of `mapping` with their key as written, path, line and column; a key given
    /// again is reported at its own line and column (with the line of its first occurrence) and left out.
    static func uniqueKeys(of mapping: Node.Mapping, path: String, keys: KeyPositions,
                           into problems: inout [(Int, Int, SpecError)]) -> [(String, String, Int, Int, Node)] {
        var firstLine: [String: Int] = [:]
        var out: [(String, String, Int, Int, Node)] = []
        for (keyNode, value) in mapping {
            let (key, line, column) = keys.key(keyNode)
            let keyPath = path.isEmpty ? key : path + "." + key
            if let first = firstLine[key] {
                problems.append((line, column, SpecError(keyPath, "duplicate key '\(key)' (line \(line), column \(column); first at line \(first))")))
                continue
            }
            firstLine[key] = line
            out.append((key, keyPath, line, column, value))
        }
        return out
    }

    static func accepts(_ text: String, _ shape: SpecShape) -> Bool {
        switch shape {
        case .integer: Int(text) != nil
        case .count: UInt64(text) != nil
        case .number: Double(text)?.isFinite ?? false
        case .numberOrInfinity:
            Double(text) != nil || ["inf", "infinity", ".inf", "none"].contains(text.lowercased())
        default: true
        }
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "'\(s.string)'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
    /// (at most a third of the word's letters, and at least 1, differ).
    static func nearest(to word: String, among candidates: some Sequence<String>) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = scored.first, best.1 <= max(1, word.count / 3) else { return nil }
        return best.0
    }

    /// Edit distance between `a` and `b` counting insertions, deletions, substitutions and swaps of
    /// two neighbouring letters (`stesp` → `steps` is 1), the optimal-string-alignment distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

private extension SpecShape {
    var isNumberOrInfinity: Bool { if case .numberOrInfinity = self { true } else { false } }
}
