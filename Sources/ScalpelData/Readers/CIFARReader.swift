/// Reader for the CIFAR-10 binary batches (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`).
///
/// Each record is one label byte (0–9) followed by 3072 pixel bytes: the 32×32 red plane,
/// then green, then blue, rows top to bottom — already channel-major (CHW).
public enum CIFAR10 {
    /// Bytes per record: one label byte and 3 × 32 × 32 pixel bytes.
    public static let recordSize = 1 + 3 * 32 * 32
    /// CIFAR-10's class names, by label 0...9.
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// Reads one binary batch (raw or gzip).
    public static func readBatch(_ path: String) throws -> ImageSet {
        try parseBatch(DataFile.read(path), file: path)
    }

    /// Parses the bytes of one binary batch; `file` names the source in errors.
    public static func parseBatch(_ bytes: [UInt8], file: String) throws -> ImageSet {
        guard !bytes.isEmpty else { throw DataError(.truncated, file: file, "empty file") }
        guard bytes.count % recordSize == 0 else {
            throw DataError(.truncated, file: file,
                            "\(bytes.count) bytes is not a whole number of \(recordSize)-byte records " +
                            "(\(bytes.count / recordSize) records and \(bytes.count % recordSize) bytes left over)")
        }
        let n = bytes.count / recordSize
        var labels = [Int](repeating: 0, count: n)
        var pixels = [Float](repeating: 0, count: n * 3072)
        try bytes.withUnsafeBufferPointer { b in
            try pixels.withUnsafeMutableBufferPointer { p in
                for r in 0..<n {
                    let o = r * recordSize
                    guard b[o] < 10 else {
                        throw DataError(.badValue, file: file, "label \(b[o]) of record \(r) is not in 0…9")
                    }
                    labels[r] = Int(b[o])
                    for j in 0..<3072 { p[r * 3072 + j] = Float(b[o + 1 + j]) / 255 }
                }
            }
        }
        return ImageSet(pixels: pixels, labels: labels, channels: 3, height: 32, width: 32, classCount: 10)
    }

    /// The training batches (`data_batch_1.bin` … `data_batch_5.bin`) and `test_batch.bin`
    /// of a `cifar-10-batches-bin` directory.
    public static func load(directory: String, train: Bool) throws -> ImageSet {
        let names = train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        let sets = try names.map { try readBatch(directory + "/" + $0) }
        return ImageSet.concatenating(sets)
    }
}
