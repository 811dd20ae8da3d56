import Foundation
import SafeTensors

/// Data sets held as arrays: `.npy` pairs, `.npz` archives and `.safetensors` files with `images`
/// (`[N, H, W]`, `[N, H, W, C]` or `[N, C, H, W]`; uint8 scaled by 1/255, or float32 taken as
/// [0, 1] values) and integer `labels` `[N]`.
enum ArraySource {
    /// `images.npy` and `labels.npy` in `directory`, when both exist.
    static func npyPair(inDirectory directory: String) -> (images: String, labels: String)? {
        let images = directory + "/images.npy", labels = directory + "/labels.npy"
        let fm = FileManager.default
        return fm.fileExists(atPath: images) && fm.fileExists(atPath: labels) ? (images, labels) : nil
    }

    static func readNPYPair(images: String, labels: String, preprocessing: Preprocessing,
                            options: UserDataOptions) throws -> UserDataSet {
        guard FileManager.default.fileExists(atPath: labels) else {
            throw DataError(.io, file: labels, "no labels file beside \(images)")
        }
        let header = try NPY.readHeader(images)
        try checkBudget(header.shape, file: images, preprocessing: preprocessing, options: options)
        return try dataSet(images: NPY.read(images), labels: NPY.read(labels), file: images,
                           preprocessing: preprocessing, options: options)
    }

    static func readSafeTensors(_ path: String, preprocessing: Preprocessing, options: UserDataOptions) throws -> UserDataSet {
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(contentsOf: path) } catch {
            throw DataError(.badValue, file: path, "not a readable safetensors file: \(error)")
        }
        guard file.contains("images"), file.contains("labels") else {
            throw DataError(.badValue, file: path, "needs tensors 'images' and 'labels'; it has \(file.names)")
        }
        do {
            let entry = try file.entry("images")
            try checkBudget(entry.shape, file: path, preprocessing: preprocessing, options: options)
            let values: NPY.Values
            switch entry.dtype {
            case .uint8: values = .uint8([UInt8](try file.rawBytes("images")))
            case .float32: values = .float32(try file.floats("images"))
            default: throw DataError(.unsupported, file: path, "images of dtype \(entry.dtype); expected U8 or F32")
            }
            let labels = try file.entry("labels")
            let array = NPY.Array(shape: labels.shape, values: .int64(try file.int64s("labels")))
            return try dataSet(images: NPY.Array(shape: entry.shape, values: values), labels: array, file: path,
                               preprocessing: preprocessing, options: options)
        } catch let error as DataError { throw error } catch {
            throw DataError(.badValue, file: path, "\(error)")
        }
    }

    /// Refuses arrays whose float pixels (before resizing) would pass the memory cap.
    static func checkBudget(_ shape: [Int], file: String, preprocessing: Preprocessing, options: UserDataOptions) throws {
        var bytes = 4
        for d in shape {
            let (p, overflow) = bytes.multipliedReportingOverflow(by: max(d, 0))
            guard !overflow, p <= options.maxBytes else {
                throw DataError(.badValue, file: file, "images \(shape) need more than the \(options.maxBytes)-byte memory cap as floats")
            }
            bytes = p
        }
    }

    /// The (N, C, H, W) reading of an images shape, and whether the channels come last.
    static func layout(_ shape: [Int], file: String) throws -> (n: Int, c: Int, h: Int, w: Int, channelsLast: Bool) {
        switch shape.count {
        case 3: return (shape[0], 1, shape[1], shape[2], true)
        case 4:
            let last = [1, 3, 4].contains(shape[3]), first = [1, 3].contains(shape[1])
            if last { return (shape[0], shape[3], shape[1], shape[2], true) }
            if first { return (shape[0], shape[1], shape[2], shape[3], false) }
            throw DataError(.badValue, file: file, "images \(shape): neither [N,H,W,C] nor [N,C,H,W] with 1, 3 or 4 channels")
        default:
            throw DataError(.badValue, file: file, "images of shape \(shape); expected [N,H,W], [N,H,W,C] or [N,C,H,W]")
        }
    }

    static func dataSet(images: NPY.Array?, labels: NPY.Array?, file: String, preprocessing: Preprocessing,
                        options: UserDataOptions) throws -> UserDataSet {
        guard let images else { throw DataError(.badValue, file: file, "no 'images' array") }
        guard let labels else { throw DataError(.badValue, file: file, "no 'labels' array") }
        let (n, c, h, w, channelsLast) = try layout(images.shape, file: file)
        guard n > 0, h > 0, w > 0 else { throw DataError(.badValue, file: file, "images \(images.shape) hold no pixels") }
        guard labels.shape == [n] else {
            throw DataError(.sizeMismatch, file: file, "labels of shape \(labels.shape) for \(n) images; expected [\(n)]")
        }
        if case .float32 = labels.values { throw DataError(.badValue, file: file, "labels are float32; expected integers") }
        let labelValues = labels.integers
        if let bad = labelValues.firstIndex(where: { $0 < 0 || $0 >= 100_000 }) {
            throw DataError(.badValue, file: file, "label \(labelValues[bad]) at index \(bad); expected 0..<100000")
        }
        let classCount = (labelValues.max() ?? 0) + 1
        guard Set(labelValues).count >= 2 else { throw DataError(.badValue, file: file, "a single class (\(labelValues[0])); need two or more") }
        let plane = h * w, size = c * plane
        var pixels = [Float]()
        var shape: (Int, Int, Int) = (0, 0, 0)
        for i in 0..<n {
            let item = "\(file) [image \(i)]"
            let image: Image
            switch images.values {
            case .uint8(let v):
                var hwc = [UInt8](repeating: 0, count: size)
                for k in 0..<size {
                    let (ch, p) = channelsLast ? (k % c, k / c) : (k / plane, k % plane)
                    hwc[p * c + ch] = v[i * size + k]
                }
                image = try preprocessing.apply(to: DecodedImage(width: w, height: h, channels: c, samples: .uint8(hwc)), file: item)
            case .float32(let floats):
                var chw = [Float](repeating: 0, count: size)
                for k in 0..<size {
                    let (ch, p) = channelsLast ? (k % c, k / c) : (k / plane, k % plane)
                    chw[ch * plane + p] = floats[i * size + k]
                }
                image = try preprocessing.apply(to: Image(pixels: chw, channels: c, height: h, width: w), file: item)
            case .int64:
                throw DataError(.unsupported, file: file, "images of dtype int64; expected uint8 or float32")
            }
            if i == 0 {
                shape = (image.channels, image.height, image.width)
                let (total, overflow) = (n * image.pixels.count).multipliedReportingOverflow(by: 4)
                guard !overflow, total <= options.maxBytes else {
                    throw DataError(.badValue, file: file, "\(n) images of \(image.pixels.count) floats exceed the \(options.maxBytes)-byte cap")
                }
                pixels.reserveCapacity(n * image.pixels.count)
            }
            pixels.append(contentsOf: image.pixels)
        }
        let set = ImageSet(pixels: pixels, labels: labelValues, channels: shape.0, height: shape.1, width: shape.2,
                           classCount: classCount)
        return UserDataSet(images: set, classNames: (0..<classCount).map(String.init))
    }
}
