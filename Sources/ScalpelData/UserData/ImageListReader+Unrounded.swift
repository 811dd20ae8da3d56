import Foundation

/// Resized sets small enough as Float, read without rounding (`UserDataOptions.unroundedResizeBytes`),
/// and the loop both readers share.
extension ImageListReader {
    /// Samples per image when `geometry` resizes the first item's image to another size (what
    /// a resized set would hold per image); nil without a resize, when it keeps the size, or when
    /// the first file cannot be read (the main path reports it).
    static func floatSize(of items: [(file: String, label: Int)], geometry: Preprocessing,
                          options: UserDataOptions) -> Int? {
        guard geometry.resize != nil, options.unroundedResizeBytes > 0, let first = items.first,
              let decoded = try? ImageDecoder.decode(contentsOf: first.file, maxPixels: options.maxPixels),
              let image = try? geometry.apply(to: decoded, file: first.file) else { return nil }
        let size = Preprocessing.resizedSize(height: decoded.height, width: decoded.width, shorter: geometry.resize!)
        guard size.height != decoded.height || size.width != decoded.width else { return nil }
        return image.pixels.count
    }

    /// `read` for a resized set held as Float: each image through `Preprocessing.apply` (exactly
    /// torchvision's resize of a tensor, within rounding), normalized as a Float set; the same
    /// refusals, skips and size checks; nothing cached.
    static func readUnrounded(_ items: [(file: String, label: Int)], classNames: [String], source: String,
                              preprocessing: Preprocessing, options: UserDataOptions) throws -> (set: UserDataSet, bad: [DataError]) {
        let geometry = preprocessing.geometry
        let (pixels, labels, first, bad) = try collect(items, source: source, options: options, bytesPerSample: 4) { file in
            let image = try geometry.apply(to: try ImageDecoder.decode(contentsOf: file, maxPixels: options.maxPixels), file: file)
            return (image.pixels, image.channels, image.height, image.width)
        }
        let set = ImageSet(pixels: pixels, labels: labels, channels: first.channels, height: first.height,
                           width: first.width, classCount: classNames.count)
        return (UserDataSet(images: preprocessing.scale.map { set.normalized(by: $0) } ?? set, classNames: classNames), bad)
    }

    /// Every item preprocessed by `preprocess` into one CHW sample buffer, in order: a file that
    /// fails is refused (or, with `options.skipBadImages`, skipped and returned in `bad`); an
    /// image whose size differs from the first one's is refused, naming both files; the set is
    /// checked against `options.maxBytes` (`bytesPerSample` per sample) before it is reserved.
    static func collect<Sample>(_ items: [(file: String, label: Int)], source: String, options: UserDataOptions,
                                bytesPerSample: Int,
                                _ preprocess: (String) throws -> (samples: [Sample], channels: Int, height: Int, width: Int))
        throws -> (samples: [Sample], labels: [Int], first: (channels: Int, height: Int, width: Int), bad: [DataError]) {
        var samples = [Sample](), labels = [Int](), bad = [DataError]()
        var first: (file: String, channels: Int, height: Int, width: Int)?
        for (file, label) in items {
            let image: (samples: [Sample], channels: Int, height: Int, width: Int)
            do {
                image = try preprocess(file)
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
                try checkCap(count: items.count, imageSize: bytesPerSample * image.samples.count, source: source, options: options)
                samples.reserveCapacity(items.count * image.samples.count)
            }
            samples.append(contentsOf: image.samples)
            labels.append(label)
        }
        guard let first else { throw DataError(.badValue, file: source, "no image could be read (\(bad.count) bad files)") }
        return (samples, labels, (first.channels, first.height, first.width), bad)
    }
}
