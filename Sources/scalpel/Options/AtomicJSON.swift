import Foundation

/// Writes `value` as pretty-printed JSON to `path` atomically: the bytes go to a temporary file
/// beside it, which is then renamed over `path`, so a reader never sees a half-written file.
func writeJSONAtomically<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                  nan: "nan")
    let data = try encoder.encode(value)
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    }
}
