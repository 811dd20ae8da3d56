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
    /// A resized set small enough as Float (`options.unroundedResizeBytes`) is read by
    /// `readUnrounded` instead: Float pixels, no rounding, no cache.
    static func read(_ items: [(file: String, label: Int)], classNames: [String], source: String,
                     preprocessing: Preprocessing, options: UserDataOptions) throws -> (set: UserDataSet, bad: [DataError]) {
        let geometry = preprocessing.geometry
        if let size = floatSize(of: items, geometry: geometry, options: options) {
            let (count, overflow) = size.multipliedReportingOverflow(by: 4 * items.count)
            if !overflow, count <= options.unroundedResizeBytes {
                return try readUnrounded(items, classNames: classNames, source: source, preprocessing: preprocessing, options: options)
            }
        }
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
        let (bytes, labels, first, bad) = try collect(items, source: source, options: options, bytesPerSample: 1) {
            try preprocessed($0, geometry: geometry, maxPixels: options.maxPixels)
        }
        let set = ImageSet(bytes: bytes, labels: labels, channels: first.channels, height: first.height,
                           width: first.width, classCount: classNames.count)
        if let cacheFile, bad.isEmpty { DecodeCache.write(set, to: cacheFile.path, digest: cacheFile.digest,
                                                        maxBytes: options.cacheMaxBytes) }
        return (UserDataSet(images: preprocessing.scale.map { set.normalized(by: $0) } ?? set, classNames: classNames), bad)
    }

    /// The file decoded and `geometry` applied, as CHW uint8 samples. Without a resize that
    /// changes the size, 8-bit samples are converted and cropped as bytes (the Float path would
    /// give `b / 255` and round back to `b`); otherwise through `Preprocessing.apply`, rounded.
    static func preprocessed(_ file: String, geometry: Preprocessing, maxPixels: Int) throws
        -> (samples: [UInt8], channels: Int, height: Int, width: Int) {
        let decoded = try ImageDecoder.decode(contentsOf: file, maxPixels: maxPixels)
        let resized = geometry.resize.map {
            let size = Preprocessing.resizedSize(height: decoded.height, width: decoded.width, shorter: $0)
            return size.height != decoded.height || size.width != decoded.width
        } ?? false
        if !resized {
            let converted = Preprocessing.convert(decoded, to: geometry.channels ?? (decoded.channels <= 2 ? 1 : 3))
            if let bytes = croppedBytes(converted, crop: geometry.crop) { return bytes }
        }
        let image = try geometry.apply(to: decoded, file: file)
        let samples = [UInt8](unsafeUninitializedCapacity: image.pixels.count) { out, initialized in
            image.pixels.withUnsafeBufferPointer { p in for j in p.indices { out[j] = ImageSet.quantized(p[j]) } }
            initialized = image.pixels.count
        }
        return (samples, image.channels, image.height, image.width)
    }

    /// 8-bit interleaved samples center-cropped (offsets as `Preprocessing.centerCrop`) into CHW
    /// order; nil for 16-bit samples or a crop larger than the image (the Float path reports it).
    static func croppedBytes(_ decoded: DecodedImage, crop: [Int]?) -> (samples: [UInt8], channels: Int, height: Int, width: Int)? {
        guard case .uint8(let v) = decoded.samples else { return nil }
        let (inH, inW, c) = (decoded.height, decoded.width, decoded.channels)
        let (h, w) = crop.map { ($0[0], $0[1]) } ?? (inH, inW)
        guard h <= inH, w <= inW else { return nil }
        let top = Int((Double(inH - h) / 2).rounded(.toNearestOrEven)), left = Int((Double(inW - w) / 2).rounded(.toNearestOrEven))
        let samples = [UInt8](unsafeUninitializedCapacity: c * h * w) { out, initialized in
            v.withUnsafeBufferPointer { src in
                for k in 0..<c {
                    for y in 0..<h {
                        let from = ((top + y) * inW + left) * c + k, to = (k * h + y) * w
                        for x in 0..<w { out[to + x] = src[from + x * c] }
                    }
                }
            }
            initialized = c * h * w
        }
        return (samples, c, h, w)
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
