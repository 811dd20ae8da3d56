import Foundation

/// Decodes and preprocesses a list of labeled image files into one `UserDataSet`.
enum ImageListReader {
    /// Reads `items` (file, label) in order. A file that fails to decode is refused (or, with
    /// `options.skipBadImages`, skipped and returned in `bad`); an image whose preprocessed size
    /// differs from the first one's is refused, naming both files.
    static func read(_ items: [(file: String, label: Int)], classNames: [String], source: String,
                     preprocessing: Preprocessing, options: UserDataOptions) throws -> (set: UserDataSet, bad: [DataError]) {
        var pixels = [Float](), labels = [Int](), bad = [DataError]()
        var first: (file: String, channels: Int, height: Int, width: Int)?
        for (file, label) in items {
            let image: Image
            do {
                image = try preprocessing.apply(to: ImageDecoder.decode(contentsOf: file, maxPixels: options.maxPixels), file: file)
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
                let (total, overflow) = (items.count * image.pixels.count).multipliedReportingOverflow(by: 4)
                guard !overflow, total <= options.maxBytes else {
                    throw DataError(.badValue, file: source, "\(items.count) images of \(image.pixels.count) floats exceed " +
                                    "the \(options.maxBytes)-byte memory cap; set a smaller resize and crop")
                }
                pixels.reserveCapacity(items.count * image.pixels.count)
            }
            pixels.append(contentsOf: image.pixels)
            labels.append(label)
        }
        guard let first else { throw DataError(.badValue, file: source, "no image could be read (\(bad.count) bad files)") }
        let set = ImageSet(pixels: pixels, labels: labels, channels: first.channels, height: first.height,
                           width: first.width, classCount: classNames.count)
        return (UserDataSet(images: set, classNames: classNames), bad)
    }
}
