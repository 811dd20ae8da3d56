import Foundation

/// Decodes and preprocesses a list of labeled image files into one `UserDataSet`, held as uint8.
enum ImageListReader {
    /// Reads `items` (file, label) in order into a uint8-backed set: each image decoded, its
    /// channels converted, resized and cropped (`preprocessing.geometry`), rounded to uint8
    /// (exact unless a resize changed the size: then within 0.5/255), with the mean/std
    /// normalization recorded for each batch. A file that fails to decode is refused (or, with
    /// `options.skipBadImages`, skipped and returned in `bad`); an image whose preprocessed size
    /// differs from the first one's is refused, naming both files. With `options.cacheDirectory`,
    /// a read that skipped nothing is cached there and a later read of the same files, labels and
    /// geometry loads it instead of decoding (`DecodeCache`).
    static func read(_ items: [(file: String, label: Int)], classNames: [String], source: String,
                     preprocessing: Preprocessing, options: UserDataOptions) throws -> (set: UserDataSet, bad: [DataError]) {
        let geometry = preprocessing.geometry
        var cacheFile: (path: String, digest: [UInt8])?
        if let directory = options.cacheDirectory, !items.isEmpty {
            let key = try DecodeCache.key(items: items, classNames: classNames, source: source, geometry: geometry,
                                          maxPixels: options.maxPixels)
            cacheFile = (directory + "/" + key.hex + ".u8", key.digest)
            if let cached = DecodeCache.read(cacheFile!.path, digest: key.digest, labels: items.map(\.label),
                                             classCount: classNames.count) {
                try checkCap(count: cached.count, imageSize: cached.imageSize, source: source, options: options)
                Shell.log("cache hit: \(source), \(cached.count) images from \(cacheFile!.path)")
                let set = preprocessing.scale.map { cached.normalized(by: $0) } ?? cached
                return (UserDataSet(images: set, classNames: classNames, fromCache: true), [])
            }
        }
        var bytes = [UInt8](), labels = [Int](), bad = [DataError]()
        var first: (file: String, channels: Int, height: Int, width: Int)?
        for (file, label) in items {
            let image: Image
            do {
                image = try geometry.apply(to: ImageDecoder.decode(contentsOf: file, maxPixels: options.maxPixels), file: file)
            } catch let error as DataError where options.skipBadImages && error.kind != .sizeMismatch {
                bad.append(error)
                continue
            }
            if let first {
                guard image.channels == first.channels, image.height == first.height, image.width == first.width else {
                    throw DataError(.sizeMismatch, file: file, "\(image.channels)×\(image.height)×\(image.width) after " +
                                    "preprocessing, but \(first.file) gives \(first.channels)×\(first.height)×\(first.width); " +
                                    "set a resize and crop (or channels) so that all images agree")
                }
            } else {
                first = (file, image.channels, image.height, image.width)
                try checkCap(count: items.count, imageSize: image.pixels.count, source: source, options: options)
                bytes.reserveCapacity(items.count * image.pixels.count)
            }
            for x in image.pixels { bytes.append(ImageSet.quantized(x)) }
            labels.append(label)
        }
        guard let first else { throw DataError(.badValue, file: source, "no image could be read (\(bad.count) bad files)") }
        let set = ImageSet(bytes: bytes, labels: labels, channels: first.channels, height: first.height,
                           width: first.width, classCount: classNames.count)
        if let cacheFile, bad.isEmpty { DecodeCache.write(set, to: cacheFile.path, digest: cacheFile.digest) }
        return (UserDataSet(images: preprocessing.scale.map { set.normalized(by: $0) } ?? set, classNames: classNames), bad)
    }

    /// Refuses `count` images of `imageSize` samples beyond `options.maxBytes` bytes (one per sample).
    static func checkCap(count: Int, imageSize: Int, source: String, options: UserDataOptions) throws {
        let (total, overflow) = count.multipliedReportingOverflow(by: imageSize)
        guard !overflow, total <= options.maxBytes else {
            throw DataError(.badValue, file: source, "\(count) images of \(imageSize) samples exceed the " +
                            "\(options.maxBytes)-byte memory cap (uint8 samples); set a smaller resize and crop")
        }
    }
}
