import Foundation

/// Writes `value` as pretty-printed JSON to `path` atomically: the bytes go to a temporary file
/// beside it, which is then renamed over `path`, so a reader never sees a half-written file.
/// `path` `-` writes to standard output. Errors name `path`, never the temporary file.
func writeJSONAtomically<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                  nan: "nan")
    let data = try encoder.encode(value)
    if path == OutputPath.standardOutput {
        FileHandle.standardOutput.write(data + Data("\n".utf8))
        return
    }
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw OutputWriteError(path: path, reason: String(cString: strerror(errno)))
        }
    } catch let error as OutputWriteError {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw OutputWriteError(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error)")
    }
}

/// An output file that could not be written; names the user's file, not the temporary one.
struct OutputWriteError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot write '\(path)': \(reason)" }
}
