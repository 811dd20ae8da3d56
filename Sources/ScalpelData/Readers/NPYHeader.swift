import Foundation

/// The dictionary of a `.npy` header, parsed as the Python literal it is: `{'descr': '<f4',
/// 'fortran_order': False, 'shape': (3, 4), }`. Exactly these three keys, each once; values of
/// the right type; nothing but whitespace after the closing brace. A key spelled inside another
/// value (`'descr': "'shape': (1,)"`) is part of that value, not a key.
struct NPYHeaderDict {
    var descr: String?
    var fortranOrder: Bool?
    var shape: [Int]?

    init(_ text: String, file: String) throws {
        var parser = PythonLiteralParser(text: text, file: file)
        let value = try parser.parseValue()
        try parser.expectEnd()
        guard case .dict(let pairs) = value else { throw parser.error("the header is not a dict") }
        var seen = Set<String>()
        for (key, value) in pairs {
            guard seen.insert(key).inserted else { throw parser.error("key '\(key)' appears twice") }
            switch (key, value) {
            case ("descr", .string(let s)): descr = s
            case ("fortran_order", .bool(let b)): fortranOrder = b
            case ("shape", .tuple(let items)):
                shape = try items.map {
                    guard case .int(let n) = $0, n >= 0 else { throw parser.error("shape \(items) has a dimension that is not an integer ≥ 0") }
                    return n
                }
            case ("descr", _), ("fortran_order", _), ("shape", _):
                throw parser.error("'\(key)' has the wrong type (descr: a string, fortran_order: True/False, shape: a tuple)")
            default: throw parser.error("unexpected key '\(key)' (a header holds exactly descr, fortran_order and shape)")
            }
        }
    }
}

/// A Python literal of the kinds a `.npy` header uses.
enum PythonLiteral: Equatable, CustomStringConvertible {
    case string(String), bool(Bool), int(Int), none
    indirect case tuple([PythonLiteral])
    indirect case dict([(String, PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool { a.description == b.description }

    var description: String {
        switch self {
        case .string(let s): "'\(s)'"
        case .bool(let b): b ? "True" : "False"
        case .int(let n): "\(n)"
        case .none: "None"
        case .tuple(let items): "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .dict(let pairs): "{" + pairs.map { "'\($0.0)': \($0.1)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A recursive-descent parser of the Python literals above (strings without escapes beyond `\\`
/// and the quote, integers with an optional `L`, tuples and lists, dicts with string keys).
struct PythonLiteralParser {
    let chars: [Character]
    let text: String
    let file: String
    var i = 0
    /// Nesting depth, bounded so a hostile header cannot overflow the stack.
    var depth = 0

    init(text: String, file: String) {
        self.text = text
        self.chars = Array(text)
        self.file = file
    }

    func error(_ message: String) -> DataError {
        DataError(.badValue, file: file, ".npy header: \(message): \(text.prefix(200))")
    }

    mutating func skipSpace() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

    mutating func expectEnd() throws {
        skipSpace()
        guard i == chars.count else { throw error("unexpected text after the dict at character \(i)") }
    }

    mutating func parseValue() throws -> PythonLiteral {
        skipSpace()
        guard i < chars.count else { throw error("ends where a value is expected") }
        depth += 1
        defer { depth -= 1 }
        guard depth <= 16 else { throw error("nested deeper than 16 levels") }
        switch chars[i] {
        case "'", "\"": return .string(try parseString())
        case "(": return .tuple(try parseSequence(close: ")"))
        case "[": return .tuple(try parseSequence(close: "]"))
        case "{": return try parseDict()
        default: break
        }
        var word = ""
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "-" || chars[i] == "+" {
            word.append(chars[i]); i += 1
        }
        switch word {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        default:
            let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }),
                  let n = Int(digits) else { throw error("'\(word)' is not a Python literal (character \(i))") }
            return .int(n)
        }
    }

    mutating func parseString() throws -> String {
        let quote = chars[i]
        i += 1
        var s = ""
        while i < chars.count, chars[i] != quote {
            if chars[i] == "\\", i + 1 < chars.count { i += 1 }
            s.append(chars[i]); i += 1
        }
        guard i < chars.count else { throw error("unterminated string") }
        i += 1
        return s
    }

    mutating func parseSequence(close: Character) throws -> [PythonLiteral] {
        i += 1
        var items: [PythonLiteral] = []
        while true {
            skipSpace()
            if i < chars.count, chars[i] == close { i += 1; return items }
            items.append(try parseValue())
            skipSpace()
            guard i < chars.count else { throw error("unterminated tuple") }
            if chars[i] == "," { i += 1 } else if chars[i] != close { throw error("expected ',' or '\(close)' at character \(i)") }
        }
    }

    mutating func parseDict() throws -> PythonLiteral {
        i += 1
        var pairs: [(String, PythonLiteral)] = []
        while true {
            skipSpace()
            if i < chars.count, chars[i] == "}" { i += 1; return .dict(pairs) }
            guard case .string(let key) = try parseValue() else { throw error("a dict key is not a string") }
            skipSpace()
            guard i < chars.count, chars[i] == ":" else { throw error("expected ':' after '\(key)'") }
            i += 1
            pairs.append((key, try parseValue()))
            skipSpace()
            guard i < chars.count else { throw error("unterminated dict") }
            if chars[i] == "," { i += 1 } else if chars[i] != "}" { throw error("expected ',' or '}' at character \(i)") }
        }
    }
}
