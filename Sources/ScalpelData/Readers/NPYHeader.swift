import Foundation

/// The three keys of an `.npy` header dict, parsed from its Python literal.
struct NPYHeaderDict {
    var descr: String?
    var fortranOrder: Bool?
    var shape: [Int]?

    init(_ text: String, file: String) throws {
        func value(after key: String) -> Substring? {
            guard let k = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\"") else { return nil }
            let rest = text[k.upperBound...].drop(while: { $0 == " " })
            guard rest.first == ":" else { return nil }
            return rest.dropFirst().drop(while: { $0 == " " })
        }
        if let v = value(after: "descr"), let quote = v.first, quote == "'" || quote == "\"" {
            descr = String(v.dropFirst().prefix(while: { $0 != quote }))
        }
        if let v = value(after: "fortran_order") {
            if v.hasPrefix("False") { fortranOrder = false } else if v.hasPrefix("True") { fortranOrder = true }
        }
        if let v = value(after: "shape") {
            guard v.first == "(", let close = v.firstIndex(of: ")") else {
                throw DataError(.badValue, file: file, "malformed shape in header: \(text)")
            }
            let parts = v[v.index(after: v.startIndex)..<close].split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var dims = [Int]()
            for p in parts {
                guard let n = Int(p.hasSuffix("L") ? String(p.dropLast()) : p), n >= 0 else {
                    throw DataError(.badValue, file: file, "malformed shape dimension '\(p)' in header: \(text)")
                }
                dims.append(n)
            }
            shape = dims
        }
    }
}
