import Foundation

/// The first key that appears twice in one object of a JSON text, at any depth, or nil.
///
/// Foundation's decoder keeps one of two equal keys silently, and Python's `json` keeps the
/// other, so a header with duplicate keys would mean different tensors to different readers;
/// the safetensors format forbids them. `bytes` must already be valid JSON. Keys are compared
/// after unescaping, so `"a"` and `"\u0061"` are the same key.
func firstDuplicateKey(in bytes: Data) -> String? {
    let b = [UInt8](bytes)
    var objects: [Set<String>?] = []  // one entry per open container: a key set for objects, nil for arrays
    var i = 0
    while i < b.count {
        switch b[i] {
        case UInt8(ascii: "{"): objects.append([]); i += 1
        case UInt8(ascii: "["): objects.append(nil); i += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = objects.popLast(); i += 1
        case UInt8(ascii: "\""):
            let start = i
            i += 1
            while i < b.count && b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
            i += 1
            let literal = b[start..<min(i, b.count)]
            var j = i
            while j < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[j]) { j += 1 }
            guard j < b.count, b[j] == UInt8(ascii: ":"), let last = objects.indices.last, objects[last] != nil else {
                continue
            }
            let key = unescapedJSONString(literal)
            if objects[last]!.contains(key) { return key }
            objects[last]!.insert(key)
        default: i += 1
        }
    }
    return nil
}

/// The value of a JSON string literal (quotes included).
private func unescapedJSONString(_ literal: ArraySlice<UInt8>) -> String {
    if !literal.contains(UInt8(ascii: "\\")) {
        return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self)
    }
    return (try? JSONDecoder().decode(String.self, from: Data(literal))) ?? String(decoding: literal, as: UTF8.self)
}
