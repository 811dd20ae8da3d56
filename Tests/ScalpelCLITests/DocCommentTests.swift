import Foundation
import Testing

/// The library's standard, checked on its own sources: every public declaration under `Sources/`
/// has a `///` doc comment directly above it (attributes may stand between). A failure lists
/// each declaration as `path:line: text`.
@Suite struct DocCommentTests {
    /// The package root, three levels above this file.
    static let root = ((("\(#filePath)" as NSString).deletingLastPathComponent as NSString)
        .deletingLastPathComponent as NSString).deletingLastPathComponent

    /// A public or open declaration (not an extension, whose members carry the comments).
    static let declaration = try! NSRegularExpression(pattern:
        #"^(@[\w.]+(\([^)]*\))?\s+)*(nonisolated\s+)?(public|open)\s+(?!extension\b)(\w+\s+)*(func|var|let|struct|enum|class|actor|protocol|init\??|case|typealias|subscript|associatedtype)\b"#)

    /// `path:line: text` of every public declaration without a doc comment in `source`.
    static func undocumented(_ source: String, path: String) -> [String] {
        let lines = source.components(separatedBy: "\n")
        var found: [String] = []
        for (i, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            let range = NSRange(text.startIndex..., in: text)
            guard declaration.firstMatch(in: text, range: range) != nil else { continue }
            var j = i - 1
            while j >= 0, lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("@") { j -= 1 }
            let above = j >= 0 ? lines[j].trimmingCharacters(in: .whitespaces) : ""
            if !(above.hasPrefix("///") || above.hasSuffix("*/")) { found.append("\(path):\(i + 1): \(text)") }
        }
        return found
    }

    @Test func theCheckFindsAMissingCommentAndAcceptsAttributesBetween() {
        let source = """
            /// Documented.
            @inlinable
            public func a() {}
            public var b: Int
            // A plain comment is not a doc comment.
            public init() {}
            public extension Int {}
            """
        #expect(Self.undocumented(source, path: "x.swift") == ["x.swift:4: public var b: Int", "x.swift:6: public init() {}"])
    }

    @Test func everyPublicDeclarationHasADocComment() throws {
        let sources = Self.root + "/Sources"
        guard let walker = FileManager.default.enumerator(atPath: sources) else {
            Issue.record("no Sources folder at \(sources)"); return
        }
        var missing: [String] = []
        var files = 0
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            files += 1
            let text = try String(contentsOfFile: sources + "/" + relative, encoding: .utf8)
            missing += Self.undocumented(text, path: "Sources/" + relative)
        }
        #expect(files > 100, "read only \(files) Swift files under \(sources)")
        let listing = missing.prefix(50).joined(separator: "\n")
        #expect(missing.isEmpty, "\(missing.count) public declarations without a doc comment:\n\(listing)")
    }
}
