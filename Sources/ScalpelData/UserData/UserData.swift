import Foundation

/// A labeled data set read from a user's files, with the class names of its labels.
public struct UserDataSet: Sendable {
    /// The images after preprocessing, and their labels (class indices into `classNames`).
    public var images: ImageSet
    /// The class names, in label order (sorted folder names, or "0", "1", … for numeric labels).
    public var classNames: [String]
    /// Whether the images were read from the decode cache instead of decoded.
    public var fromCache = false
}

/// Options for reading user data: limits, what to do with bad images, and the decode cache.
public struct UserDataOptions: Sendable {
    /// The pixel-count cap per image (decompression bombs).
    public var maxPixels: Int
    /// The cap on the decoded set, in bytes as held (default 8 GiB): one per sample for images
    /// decoded from files (kept as uint8), four for array files (kept as Float).
    public var maxBytes: Int
    /// Skip undecodable images (counted in `UserData.badFiles`) instead of refusing the data set.
    public var skipBadImages: Bool
    /// Where decoded images are cached (`DecodeCache`), so a second read decodes nothing; nil
    /// (the default) neither reads nor writes a cache.
    public var cacheDirectory: String?
    /// The cap on the cache files in `cacheDirectory`, in bytes (default 20 GiB,
    /// `defaultCacheMaxBytes`): after a write, the least recently read or written files beyond it
    /// are deleted, and a set whose file alone exceeds it is not cached (`DecodeCache`).
    public var cacheMaxBytes: Int
    /// Resized image sets up to this many bytes as Float (default 1 GiB) keep their resized
    /// pixels unrounded, as torchvision's resize of a tensor gives them, and are not cached;
    /// larger ones are stored (and cached) as uint8, rounded after the resize to within 0.5/255,
    /// as PIL's `Resize` in an `ImageFolder` pipeline rounds. 0 stores every set as uint8.
    public var unroundedResizeBytes: Int

    /// Creates options; defaults: PIL's pixel cap, 8 GiB, bad images refused, no cache (capped
    /// at 20 GiB when given), resized sets up to 1 GiB as Float kept unrounded.
    public init(maxPixels: Int = ImageDecoder.defaultMaxPixels, maxBytes: Int = 8 << 30, skipBadImages: Bool = false,
                cacheDirectory: String? = nil, cacheMaxBytes: Int = UserDataOptions.defaultCacheMaxBytes,
                unroundedResizeBytes: Int = 1 << 30) {
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
        self.skipBadImages = skipBadImages
        self.cacheDirectory = cacheDirectory
        self.cacheMaxBytes = cacheMaxBytes
        self.unroundedResizeBytes = unroundedResizeBytes
    }

    /// The decode cache's directory in a data store: `<store>/cache`.
    public static func decodeCacheDirectory(in store: DataStore) -> String { store.directory + "/cache" }
}

/// A user's data, detected from a path: the layout found, the whole set or its given splits, and
/// what was left out.
///
/// Layouts: an image folder `ROOT/<class>/<file>` (torchvision's `ImageFolder`; class index = the
/// class folder's rank among the sorted names); a split folder with `train/`, `val/` (or
/// `validation/`) and `test/` image folders; `images.npy` + `labels.npy` (a directory holding
/// both, or the images file beside its labels file); a `.npz` archive or a `.safetensors` file
/// with arrays `images` and `labels`; a `.csv` of `path,label` lines with paths relative to it.
public struct UserData: Sendable {
    /// The layouts `load` detects.
    public enum Layout: String, Sendable {
        case imageFolder = "image folder", splitFolder = "split folder", npyPair = "npy pair", npz, safetensors, csv
    }

    /// The splits a split folder gives.
    public enum Split: String, Sendable, CaseIterable {
        case train, validation, test
    }

    /// The layout found at the path.
    public var layout: Layout
    /// The whole data set (for every layout but a split folder).
    public var all: UserDataSet?
    /// The given splits of a split folder (train, validation and/or test).
    public var splits: [Split: UserDataSet]
    /// Files that are not images (by extension), ignored.
    public var ignoredFiles: [String]
    /// Images that failed to decode and were skipped (with `skipBadImages`).
    public var badFiles: [DataError]

    /// The tuning pool: the whole set, or the train split of a split folder.
    public var pool: UserDataSet? { all ?? splits[.train] }

    /// Reads the data at `path` (layout detected from it) through `preprocessing`.
    public static func load(_ path: String, preprocessing: Preprocessing = Preprocessing(),
                            options: UserDataOptions = UserDataOptions()) throws -> UserData {
        try preprocessing.validate(source: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(.io, file: path, "no such file or directory")
        }
        if isDirectory.boolValue {
            if let pair = ArraySource.npyPair(inDirectory: path) {
                return UserData(layout: .npyPair, all: try ArraySource.readNPYPair(images: pair.images, labels: pair.labels,
                                preprocessing: preprocessing, options: options), splits: [:], ignoredFiles: [], badFiles: [])
            }
            return try ImageFolderSource.load(path, preprocessing: preprocessing, options: options)
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "npz":
            let arrays = try NPZArchive.read(path)
            let set = try ArraySource.dataSet(images: arrays["images"], labels: arrays["labels"], file: path,
                                              preprocessing: preprocessing, options: options)
            return UserData(layout: .npz, all: set, splits: [:], ignoredFiles: [], badFiles: [])
        case "safetensors":
            return UserData(layout: .safetensors, all: try ArraySource.readSafeTensors(path, preprocessing: preprocessing,
                            options: options), splits: [:], ignoredFiles: [], badFiles: [])
        case "npy":
            let name = (path as NSString).lastPathComponent
            guard name.contains("images") else {
                throw DataError(.invalidSpec, file: path, "a .npy data set is an images file (name containing 'images') " +
                                "beside its labels file (the same name with 'labels')")
            }
            let labels = (path as NSString).deletingLastPathComponent + "/" + name.replacingOccurrences(of: "images", with: "labels")
            return UserData(layout: .npyPair, all: try ArraySource.readNPYPair(images: path, labels: labels,
                            preprocessing: preprocessing, options: options), splits: [:], ignoredFiles: [], badFiles: [])
        case "csv":
            return try CSVListSource.load(path, preprocessing: preprocessing, options: options)
        default:
            throw DataError(.unsupported, file: path, "not a data set: expected a folder, .npz, .npy, .safetensors or .csv")
        }
    }
}
