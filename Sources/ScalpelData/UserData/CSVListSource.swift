import Foundation

/// A CSV list of labeled images: one `path,label` line per image (paths relative to the CSV's
/// folder unless absolute; the label an integer class index or a class name); a first line
/// `path,label` is a header. Integer labels give class names "0"…"K−1"; names are sorted and
/// indexed like image-folder classes.
enum CSVListSource {
    static func load(_ csv: String, preprocessing: Preprocessing, options: UserDataOptions) throws -> UserData {
        let (items, classNames) = try list(csv)
        let read = try ImageListReader.read(items, classNames: classNames, source: csv, preprocessing: preprocessing,
                                            options: options)
        return UserData(layout: .csv, all: read.set, splits: [:], ignoredFiles: [], badFiles: read.bad)
    }

    /// The labeled image paths of the CSV file `csv` and its class names, checked.
    static func list(_ csv: String) throws -> (items: [(file: String, label: Int)], classNames: [String]) {
        let bytes = try DataFile.readRaw(csv)
        guard bytes.count <= 1 << 30 else { throw DataError(.badValue, file: csv, "larger than 1 GiB") }
        let base = (csv as NSString).deletingLastPathComponent
        var rows = [(file: String, label: String, line: Int)]()
        for (index, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard let comma = line.lastIndex(of: ",") else {
                throw DataError(.badValue, file: "\(csv):\(index + 1)", "expected 'path,label', got '\(line.prefix(80))'")
            }
            let path = line[..<comma].trimmingCharacters(in: .whitespaces)
            let label = line[line.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            if rows.isEmpty, index == 0, path.lowercased() == "path", label.lowercased() == "label" { continue }
            guard !path.isEmpty, !label.isEmpty else {
                throw DataError(.badValue, file: "\(csv):\(index + 1)", "empty path or label")
            }
            rows.append((path.hasPrefix("/") ? path : base + "/" + path, label, index + 1))
        }
        guard !rows.isEmpty else { throw DataError(.badValue, file: csv, "no 'path,label' lines") }
        let numeric = rows.allSatisfy { Int($0.label) != nil }
        let classNames: [String]
        var items = [(file: String, label: Int)]()
        if numeric {
            let values = rows.map { Int($0.label)! }
            if let bad = rows.first(where: { Int($0.label)! < 0 || Int($0.label)! >= 100_000 }) {
                throw DataError(.badValue, file: "\(csv):\(bad.line)", "label \(bad.label); expected 0..<100000")
            }
            classNames = (0...values.max()!).map(String.init)
            items = zip(rows, values).map { ($0.file, $1) }
        } else {
            classNames = Set(rows.map(\.label)).sorted()
            let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
            items = rows.map { ($0.file, index[$0.label]!) }
        }
        guard Set(items.map(\.label)).count >= 2 else {
            throw DataError(.badValue, file: csv, "a single class (\(rows[0].label)); a classification set needs two or more")
        }
        for row in rows {
            guard ImageDecoder.isImagePath(row.file) else {
                throw DataError(.unsupported, file: "\(csv):\(row.line)", "\(row.file) is not a .png, .jpg or .jpeg file")
            }
            guard FileManager.default.fileExists(atPath: row.file) else {
                throw DataError(.io, file: "\(csv):\(row.line)", "no such image file \(row.file)")
            }
        }
        return (items, classNames)
    }
}
