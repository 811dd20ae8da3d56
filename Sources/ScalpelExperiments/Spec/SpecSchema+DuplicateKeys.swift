import Yams

/// Where the keys of a mapping are, in the text as the user wrote it.
///
/// Yams refuses a mapping that repeats a key as a whole, at the first occurrence, so the repeat's
/// own line is lost. To find it, the first occurrence is renamed (a marker inserted after its
/// first character) and the document composed again, until it composes; `KeyPositions` then maps
/// every key node back to its original text and column.
struct KeyPositions {
    /// A private-use character, printable to YAML, that no spec writes.
    static let marker: Unicode.Scalar = "\u{E000}"
    /// The most renamed occurrences before giving up (each costs one more parse of the document).
    static let maximumRenames = 64

    /// Markers inserted, as (line, column) of the text after all insertions, 1-based like `Mark`.
    private var insertions: [(line: Int, column: Int)] = []

    /// The key as written (markers removed), and its line and column in the original text.
    func key(_ node: Node) -> (text: String, line: Int, column: Int) {
        let text = String(String.UnicodeScalarView((node.string ?? "\(node)").unicodeScalars.filter { $0 != Self.marker }))
        let (line, column) = (node.mark?.line ?? 0, node.mark?.column ?? 0)
        let shift = insertions.filter { $0.line == line && $0.column < column }.count
        return (text, line, column - shift)
    }

    /// Composes `text`, renaming the first occurrence of each duplicated key until the document
    /// composes. Rethrows Yams's error when a duplicate cannot be renamed (a key that is not a
    /// plain or quoted scalar, or too many duplicates).
    static func compose(_ text: String) throws -> (root: Node?, positions: KeyPositions) {
        var scalars = Array(text.unicodeScalars)
        var positions = KeyPositions()
        var renames = text.unicodeScalars.contains(marker) ? maximumRenames : 0
        while true {
            do {
                let document = String(String.UnicodeScalarView(scalars))
                return (try Yams.compose(yaml: document), positions)
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                guard renames < maximumRenames, let key = duplicates.first,
                      let index = index(ofLine: context.mark.line, column: context.mark.column, in: scalars),
                      startsKey(key, at: index, in: scalars) else { throw YamlError.duplicatedKeysInMapping(duplicates: duplicates, context: context) }
                scalars.insert(marker, at: index + 1)
                positions.insertions = positions.insertions.map {
                    $0.line == context.mark.line && $0.column > context.mark.column ? ($0.line, $0.column + 1) : $0
                }
                positions.insertions.append((context.mark.line, context.mark.column + 1))
                renames += 1
            }
        }
    }

    /// The index of the 1-based `line` and `column` (counted in Unicode scalars, as libyaml does).
    private static func index(ofLine line: Int, column: Int, in scalars: [Unicode.Scalar]) -> Int? {
        var current = 1, start = 0
        while current < line {
            guard let newline = scalars[start...].firstIndex(of: "\n") else { return nil }
            start = newline + 1
            current += 1
        }
        let index = start + column - 1
        return index < scalars.count ? index : nil
    }

    /// Whether the scalar key `key` is written at `index`, plain or quoted.
    private static func startsKey(_ key: String, at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        let first = scalars[index]
        if first == "\"" || first == "'" { return true }
        guard let k = key.unicodeScalars.first else { return false }
        return first == k
    }
}
