import Foundation

/// What a user's data path holds, without preprocessing: for `scalpel data inspect`.
public struct UserDataInspection: Sendable {
    /// One class: its name and image count (per split for a split folder: "train/cat").
    public var classes: [(name: String, count: Int)]
    /// Decoded image sizes as "C×H×W" with their counts, most frequent first.
    public var sizes: [(size: String, count: Int)]
    /// Files that are not images, ignored.
    public var ignoredFiles: [String]
    /// Images that do not decode, with the reason.
    public var badFiles: [DataError]
    /// The layout detected.
    public var layout: UserData.Layout

    /// Inspects `path`: every image of a folder or CSV is decoded (bad ones are listed, not
    /// thrown); array files report their shape.
    public static func inspect(_ path: String, maxPixels: Int = ImageDecoder.defaultMaxPixels) throws -> UserDataInspection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(.io, file: path, "no such file or directory")
        }
        let isCSV = path.lowercased().hasSuffix(".csv")
        guard isDirectory.boolValue && ArraySource.npyPair(inDirectory: path) == nil || isCSV else {
            let data = try UserData.load(path, options: UserDataOptions(maxPixels: maxPixels))
            let set = data.all!.images
            let counts = set.indicesByLabel().map(\.count)
            return UserDataInspection(classes: zip(data.all!.classNames, counts).map { ($0, $1) },
                                      sizes: [("\(set.channels)×\(set.height)×\(set.width)", set.count)],
                                      ignoredFiles: [], badFiles: [], layout: data.layout)
        }
        var items = [(file: String, label: String)](), ignored = [String](), layout = UserData.Layout.imageFolder
        if isCSV {
            let (list, names) = try CSVListSource.list(path)
            items = list.map { ($0.file, names[$0.label]) }
            layout = .csv
        } else {
            let (directories, _) = try ImageFolderSource.listing(path)
            let splitNames: Set = ["train", "val", "validation", "test"]
            let roots = directories.contains("train") && directories.allSatisfy(splitNames.contains)
                ? directories.map { (path + "/" + $0, $0 + "/") } : [(path, "")]
            if roots.count > 1 { layout = .splitFolder }
            for (root, prefix) in roots {
                let tree = try ImageFolderSource.walk(root)
                let names = tree.classes.map(\.name)
                items += tree.items.map { ($0.file, prefix + names[$0.label]) }
                ignored += tree.ignored
            }
        }
        var classCounts = [String: Int](), sizeCounts = [String: Int](), bad = [DataError]()
        for (file, label) in items {
            do {
                let image = try ImageDecoder.decode(contentsOf: file, maxPixels: maxPixels)
                classCounts[label, default: 0] += 1
                sizeCounts["\(image.channels)×\(image.height)×\(image.width)\(image.bitDepth == 16 ? " (16-bit)" : "")", default: 0] += 1
            } catch let error as DataError { bad.append(error) }
        }
        return UserDataInspection(classes: classCounts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                  sizes: sizeCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) },
                                  ignoredFiles: ignored, badFiles: bad, layout: layout)
    }
}
