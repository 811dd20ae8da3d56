import Foundation

/// Image folders as torchvision's `ImageFolder` reads them: `ROOT/<class>/<file>`, files found
/// recursively under each class folder (following symlinks, sorted by path), class index = rank
/// of the class folder's name in sorted order. A split folder holds `train/`, and `val/` (or
/// `validation/`) and/or `test/`, each such a tree with the same class folders.
enum ImageFolderSource {
    /// The deepest directory level walked below a class folder.
    static let maxDepth = 32

    static func load(_ root: String, preprocessing: Preprocessing, options: UserDataOptions) throws -> UserData {
        let (directories, files) = try listing(root)
        let splitNames: [String: UserData.Split] = ["train": .train, "val": .validation, "validation": .validation, "test": .test]
        if directories.contains("train"), directories.count >= 2, directories.allSatisfy({ splitNames[$0] != nil }) {
            guard !(directories.contains("val") && directories.contains("validation")) else {
                throw DataError(.invalidSpec, file: root, "both val/ and validation/; keep one")
            }
            var splits = [UserData.Split: UserDataSet](), ignored = files.map { root + "/" + $0 }, bad = [DataError]()
            var classNames: [String]?
            for name in directories.sorted() {
                let tree = try walk(root + "/" + name)
                if let classNames, classNames != tree.classes.map(\.name) {
                    throw DataError(.sizeMismatch, file: root + "/" + name, "class folders \(tree.classes.map(\.name)) differ " +
                                    "from the other splits' \(classNames)")
                }
                classNames = tree.classes.map(\.name)
                let read = try ImageListReader.read(tree.items, classNames: classNames!, source: root + "/" + name,
                                                    preprocessing: preprocessing, options: options)
                if let other = splits.values.first?.images, other.channels != read.set.images.channels ||
                    other.height != read.set.images.height || other.width != read.set.images.width {
                    let i = read.set.images
                    throw DataError(.sizeMismatch, file: root + "/" + name, "images are \(i.channels)×\(i.height)×\(i.width) " +
                                    "after preprocessing, the other splits' \(other.channels)×\(other.height)×\(other.width)")
                }
                splits[splitNames[name]!] = read.set
                ignored += tree.ignored
                bad += read.bad
            }
            return UserData(layout: .splitFolder, all: nil, splits: splits, ignoredFiles: ignored, badFiles: bad)
        }
        let tree = try walk(root)
        let read = try ImageListReader.read(tree.items, classNames: tree.classes.map(\.name), source: root,
                                            preprocessing: preprocessing, options: options)
        return UserData(layout: .imageFolder, all: read.set, splits: [:], ignoredFiles: tree.ignored, badFiles: read.bad)
    }

    /// The sorted subdirectory and file names of `directory` (hidden entries are files).
    static func listing(_ directory: String) throws -> (directories: [String], files: [String]) {
        let fm = FileManager.default
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw DataError(.io, file: directory, "cannot list the directory")
        }
        var directories = [String](), files = [String]()
        for name in names {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + name
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DataError(.io, file: path, "cannot be resolved (a broken symlink or a symlink loop)")
            }
            if isDirectory.boolValue && !name.hasPrefix(".") { directories.append(name) } else { files.append(name) }
        }
        return (directories, files)
    }

    /// The classes and labeled image files under `root`, and the non-image files ignored.
    static func walk(_ root: String) throws -> (classes: [(name: String, count: Int)], items: [(file: String, label: Int)],
                                                  ignored: [String]) {
        let (directories, topFiles) = try listing(root)
        var ignored = topFiles.map { root + "/" + $0 }
        var items = [(file: String, label: Int)](), classes = [(name: String, count: Int)]()
        for (label, name) in directories.enumerated() {
            var files = [String]()
            try collect(root + "/" + name, ancestors: [realPath(root)], depth: 0, into: &files, ignored: &ignored)
            guard !files.isEmpty else {
                throw DataError(.badValue, file: root + "/" + name, "class folder holds no PNG or JPEG image")
            }
            classes.append((name, files.count))
            items += files.sorted().map { ($0, label) }
        }
        guard classes.count >= 2 else {
            throw DataError(.badValue, file: root, classes.isEmpty
                ? "no class folders (expected ROOT/<class>/<image>)"
                : "a single class folder (\(classes[0].name)); a classification set needs two or more")
        }
        return (classes, items, ignored)
    }

    static func realPath(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }

    static func collect(_ directory: String, ancestors: [String], depth: Int, into files: inout [String],
                        ignored: inout [String]) throws {
        let real = realPath(directory)
        if let loop = ancestors.first(where: { $0 == real }) {
            throw DataError(.badValue, file: directory, "symlink loop: leads back to \(loop)")
        }
        guard depth <= maxDepth else { throw DataError(.badValue, file: directory, "more than \(maxDepth) directory levels") }
        let (directories, names) = try listing(directory)
        for name in names {
            let path = directory + "/" + name
            if ImageDecoder.isImagePath(name) { files.append(path) } else { ignored.append(path) }
        }
        for name in directories {
            try collect(directory + "/" + name, ancestors: ancestors + [real], depth: depth + 1, into: &files, ignored: &ignored)
        }
    }
}
