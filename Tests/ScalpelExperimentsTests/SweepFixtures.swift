internal import CScalpelZlib
import Foundation
import ScalpelExperiments
import ScalpelNN

/// A tiny, real sweep setting: a synthetic Fashion-MNIST-shaped data store (28×28, 10 classes,
/// class k bright in rows 2k…2k+3, plus seeded noise), a two-layer network checkpoint with
/// Scalpel's metadata, and specs over them.
enum SweepFixtures {
    /// A fresh temporary directory.
    static func tempDir(_ name: String = "sweep") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-\(name)-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir + "/data/fashion-mnist", withIntermediateDirectories: true)
        return dir
    }

    /// Writes the data store and checkpoint into `dir`; returns the checkpoint's path.
    /// `testPerClass` test images per class: adaptation runs use the shift's default split
    /// (100 tune / 10 validation per class), so they need more than 110 to have a test split.
    @discardableResult
    static func prepare(_ dir: String, testPerClass: Int = 16) throws -> String {
        writeSet(dir + "/data/fashion-mnist", prefix: "train", perClass: 12, seed: 1)
        writeSet(dir + "/data/fashion-mnist", prefix: "t10k", perClass: testPerClass, seed: 2)
        let model = try ModelConfiguration(architecture: "mlp2", inChannels: 1, classes: 10, imageSize: 28, seed: 3).build()
        let path = dir + "/mlp2.safetensors"
        try Checkpoint.save(model, to: path, metadata: [
            "scalpel.architecture": "mlp2", "scalpel.width": "1", "scalpel.in_channels": "1", "scalpel.classes": "10",
            "scalpel.image_size": "28",
        ])
        return path
    }

    /// A spec over the fixture: `runs` = 2 shifts × (all 3 lr + last 2 lr + l1sp 1 lr × 2 λ) × seeds.
    static func spec(_ dir: String, seeds: [Int] = [0, 1], methods: String = "[all, last, l1sp]", extra: String = "") -> String {
        """
        name: fixture
        checkpoints: [\(dir)/mlp2.safetensors]
        shifts: [fmnist-flip, "fmnist-c:gaussian_noise:3"]
        methods: \(methods)
        learning_rates: [1e-2, 1e-3, 1e-4]
        method_learning_rates: {last: [1e-1, 1e-2], l1sp: [1e-3]}
        hyperparameters: {lambda: [1e-4, 1e-3]}
        target_sizes: [4]
        validation_per_class: 4
        test_per_class: 8
        seeds: \(seeds)
        epochs: 2
        batch_size: 8
        data_dir: \(dir)/data
        \(extra)
        """
    }

    /// An adaptation-only spec over the fixture: 1 shift × `modes` × `selections` × seeds MEMO runs
    /// on 8 test images with B = 2, plus `extra` lines.
    static func adaptationSpec(_ dir: String, modes: String = "[episodic, online]", selections: String = "[all, last]",
                               seeds: [Int] = [0, 1], extra: String = "") -> String {
        """
        name: fixture-adaptation
        checkpoints: [\(dir)/mlp2.safetensors]
        shifts: ["fmnist-c:gaussian_noise:3"]
        seeds: \(seeds)
        data_dir: \(dir)/data
        adaptation:
          - method: memo
            modes: \(modes)
            selections: \(selections)
            augmentations: 2
            learning_rates: [1e-3]
            test_size: 8
            every: 4
        \(extra)
        """
    }

    static func writeSet(_ dir: String, prefix: String, perClass: Int, seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func noise() -> UInt8 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(state % 60)
        }
        let n = perClass * 10
        var pixels = [UInt8](), labels = [UInt8]()
        for i in 0..<n {
            let k = i % 10
            labels.append(UInt8(k))
            for r in 0..<28 { for _ in 0..<28 { pixels.append((r / 3 == k ? 180 : 0) &+ noise()) } }
        }
        writeGzip([0, 0, 8, 3] + be32(n) + be32(28) + be32(28) + pixels, "\(dir)/\(prefix)-images-idx3-ubyte.gz")
        writeGzip([0, 0, 8, 1] + be32(n) + labels, "\(dir)/\(prefix)-labels-idx1-ubyte.gz")
    }

    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    static func writeGzip(_ bytes: [UInt8], _ path: String) {
        let file = gzopen(path, "wb")!
        bytes.withUnsafeBytes { _ = gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        gzclose(file)
    }

    /// Runs `binary` with `arguments` (and `environment` added to this process's) to the end;
    /// returns its exit status and its standard output and error, interleaved.
    /// `directory` is its working directory (this process's if nil).
    static func run(_ binary: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: String? = nil) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        (process.standardOutput, process.standardError) = (out, out)
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The package root, three folders above this file.
    static let packageRoot = ((("\(#filePath)" as NSString).deletingLastPathComponent as NSString)
        .deletingLastPathComponent as NSString).deletingLastPathComponent

    /// The built `scalpel` executable: `SCALPEL_BIN`, else beside the test bundle, else `.build/debug`.
    static func executable() -> String? {
        let besideTests = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/scalpel"
        let candidates = [ProcessInfo.processInfo.environment["SCALPEL_BIN"], besideTests, packageRoot + "/.build/debug/scalpel"]
            .compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
