/// Which parameters train: a small language used by the library and every command.
///
/// | form | meaning |
/// |---|---|
/// | `all` | every parameter |
/// | `block1` | one block (names from the model: `stem`, `block1`, …, `last`) |
/// | `block1...block3` | a range of blocks, inclusive, in forward order |
/// | `first:2`, `last:1` | the first / last N blocks |
/// | `re:layer3\..*conv.*` | parameters whose full name matches the regular expression (whole match) |
/// | `stem+block1` | union |
/// | `all-last` | exclusion (left to right: `all-stem-last`) |
///
/// A `re:` pattern runs to the end of the text, so put it last (`stem+re:.*bn.*`).
/// Selections are validated against the whole model: an unknown block, an empty range
/// or a pattern that matches nothing is an error that lists what exists.
public indirect enum Selection: Equatable, Sendable, CustomStringConvertible {
    /// Every parameter (`all`).
    case all
    /// Every parameter of the named block (`block1`).
    case block(String)
    /// Every parameter of the blocks from the first to the second, inclusive (`block1...block3`).
    case range(String, String)
    /// Every parameter of the first N blocks (`first:N`, N ≥ 1).
    case first(Int)
    /// Every parameter of the last N blocks (`last:N`, N ≥ 1).
    case last(Int)
    /// Parameters whose full name the regular expression matches whole (`re:…`).
    case pattern(String)
    /// Parameters either selection picks (`a+b`).
    case union(Selection, Selection)
    /// Parameters the first selection picks and the second does not (`a-b`).
    case exclude(Selection, Selection)

    /// Parses the selection language.
    public init(parsing text: String) throws {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw SelectionError.syntax(text, "empty selection") }
        var rest = Substring(text)
        var result = try Selection.parseTerm(&rest, whole: text)
        while let op = rest.first {
            rest = rest.dropFirst()
            let term = try Selection.parseTerm(&rest, whole: text)
            result = op == "+" ? .union(result, term) : .exclude(result, term)
        }
        self = result
    }

    /// Reads one term up to the next `+` or `-` (a `re:` term takes the rest).
    private static func parseTerm(_ rest: inout Substring, whole: String) throws -> Selection {
        if rest.hasPrefix("re:") {
            let pattern = String(rest.dropFirst(3))
            rest = ""
            guard !pattern.isEmpty else { throw SelectionError.syntax(whole, "re: needs a pattern") }
            do { _ = try Regex(pattern) } catch {
                throw SelectionError.syntax(whole, "invalid regular expression '\(pattern)': \(error)")
            }
            return .pattern(pattern)
        }
        let end = rest.firstIndex { $0 == "+" || $0 == "-" } ?? rest.endIndex
        let token = String(rest[..<end]).trimmingCharacters(in: .whitespaces)
        rest = rest[end...]
        guard !token.isEmpty else { throw SelectionError.syntax(whole, "missing term around '+' or '-'") }
        if token == "all" { return .all }
        for (prefix, make) in [("first:", Selection.first), ("last:", Selection.last)] where token.hasPrefix(prefix) {
            guard let n = Int(token.dropFirst(prefix.count)), n > 0 else {
                throw SelectionError.syntax(whole, "'\(token)': expected \(prefix)N with N ≥ 1")
            }
            return make(n)
        }
        if let r = token.range(of: "...") {
            let a = String(token[..<r.lowerBound]), b = String(token[r.upperBound...])
            guard !a.isEmpty, !b.isEmpty else { throw SelectionError.syntax(whole, "'\(token)': expected blockA...blockB") }
            return .range(a, b)
        }
        return .block(token)
    }

    /// The canonical text of this selection.
    public var description: String {
        switch self {
        case .all: "all"
        case .block(let b): b
        case .range(let a, let b): "\(a)...\(b)"
        case .first(let n): "first:\(n)"
        case .last(let n): "last:\(n)"
        case .pattern(let p): "re:\(p)"
        case .union(let a, let b): "\(a)+\(b)"
        case .exclude(let a, let b): "\(a)-\(b)"
        }
    }
}

/// A selection that cannot be parsed or does not fit the model.
public enum SelectionError: Error, CustomStringConvertible, Equatable {
    /// The text (first) cannot be parsed, or a range is reversed; the second string says why.
    case syntax(String, String)
    /// A block name the model does not have; `available` are its blocks.
    case unknownBlock(String, available: [String])
    /// A pattern that matches no parameter name; `examples` are a few of the model's names.
    case emptyMatch(String, examples: [String])
    /// `first:N` or `last:N` with N above the model's `blockCount` blocks.
    case outOfRange(String, blockCount: Int)
    /// The whole selection (its text) picks no parameter.
    case empty(String)

    /// One line naming the selection text or term and what is wrong, with what exists (blocks, example names).
    public var description: String {
        switch self {
        case .syntax(let text, let why): "selection '\(text)': \(why)"
        case .unknownBlock(let b, let available):
            "selection: unknown block '\(b)'; the model's blocks are \(available.joined(separator: ", "))"
        case .emptyMatch(let p, let examples):
            "selection: pattern 're:\(p)' matches no parameter; names look like \(examples.joined(separator: ", "))"
        case .outOfRange(let term, let n): "selection: '\(term)' asks for more blocks than the model's \(n)"
        case .empty(let text): "selection '\(text)' selects no parameter"
        }
    }
}

import Foundation
