/// Loader for CIFAR-10-C as published (Hendrycks & Dietterich, 2019): a directory holding
/// `<corruption>.npy`, uint8 of shape [50000, 32, 32, 3] (HWC), the 10000 CIFAR-10 test images
/// at severity 1, then 2, … 5 in blocks of 10000, and `labels.npy` with the 50000 matching labels.
public enum CIFAR10C {
    /// The 19 corruption files of the published set (15 benchmark + 4 extra).
    public static let corruptions = [
        "brightness", "contrast", "defocus_blur", "elastic_transform", "fog", "frost", "gaussian_blur",
        "gaussian_noise", "glass_blur", "impulse_noise", "jpeg_compression", "motion_blur", "pixelate",
        "saturate", "shot_noise", "snow", "spatter", "speckle_noise", "zoom_blur",
    ]

    /// The images of one corruption at one severity (1–5), converted to CHW floats in [0, 1].
    public static func load(directory: String, corruption: String, severity: Int) throws -> ImageSet {
        let imagePath = directory + "/" + corruption + ".npy"
        let labelPath = directory + "/labels.npy"
        guard (1...5).contains(severity) else {
            throw DataError(.badValue, file: imagePath, "severity \(severity); CIFAR-10-C has severities 1…5")
        }
        let header = try NPY.readHeader(imagePath)
        guard header.shape.count == 4, header.shape[1] == 32, header.shape[2] == 32, header.shape[3] == 3 else {
            throw DataError(.sizeMismatch, file: imagePath, "shape \(header.shape); expected [N, 32, 32, 3] (HWC)")
        }
        guard header.dtype == .uint8 else {
            throw DataError(.unsupported, file: imagePath, "dtype \(header.dtype.rawValue); expected |u1 (uint8)")
        }
        let total = header.shape[0]
        guard total > 0, total % 5 == 0 else {
            throw DataError(.sizeMismatch, file: imagePath, "\(total) images is not 5 equal severity blocks")
        }
        let labelHeader = try NPY.readHeader(labelPath)
        guard labelHeader.shape == [total] else {
            throw DataError(.sizeMismatch, file: labelPath, "shape \(labelHeader.shape) for \(total) images in \(imagePath)")
        }
        let block = total / 5
        let rows = ((severity - 1) * block)..<(severity * block)
        let images = try NPY.read(imagePath, rows: rows)
        let labels = try NPY.read(labelPath, rows: rows).labels(classes: 10, file: labelPath)
        guard case .uint8(let bytes) = images.values else { preconditionFailure("dtype checked above") }
        return ImageSet(pixels: hwcToCHW(bytes, count: block, height: 32, width: 32, channels: 3),
                        labels: labels, channels: 3, height: 32, width: 32, classCount: 10)
    }

    /// Interleaved HWC bytes of `count` images → planar CHW floats divided by 255.
    static func hwcToCHW(_ bytes: [UInt8], count: Int, height: Int, width: Int, channels: Int) -> [Float] {
        let plane = height * width, size = plane * channels
        return [Float](unsafeUninitializedCapacity: count * size) { out, n in
            bytes.withUnsafeBufferPointer { b in
                for i in 0..<count {
                    let base = i * size
                    for p in 0..<plane {
                        for c in 0..<channels { out[base + c * plane + p] = Float(b[base + p * channels + c]) / 255 }
                    }
                }
            }
            n = count * size
        }
    }
}
