import ArgumentParser
import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// `scalpel pretrain`: trains a model on the source side of a shift and saves the checkpoint.
struct PretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Train a model on the source side of a shift and save it as a safetensors checkpoint.",
        discussion: """
        AdamW with a cosine schedule, random-crop augmentation and BatchNorm in training mode; the BatchNorm \
        running statistics are re-estimated at the final weights. The checkpoint is written atomically \
        (temporary file, then rename) with the command line in its metadata.
        """)

    @Option(name: .long, help: "Architecture (resnet26, resnet8, …).")
    var arch = "resnet26"

    @Option(name: .long, help: "Width multiplier k of the CIFAR ResNets.")
    var width = 1

    @Option(name: .long, help: "Shift whose source side to train on, e.g. fmnist-c:fog:5 (clean Fashion-MNIST); or --source PATH.")
    var shift: String?

    @OptionGroup var userData: UserDataFlags

    @Option(name: .long, help: "Epochs.")
    var epochs = 5

    @Option(name: .customLong("batch-size"), help: "Batch size.")
    var batchSize = 128

    @Option(name: .long, help: "Peak learning rate of the cosine schedule.")
    var lr: Float = 2e-3

    @Option(name: .customLong("train-size"), help: "Use only the first N source training images (0: all).")
    var trainSize = 0

    @Option(name: .long, help: "Seed of the initialization and the batch order.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Output checkpoint (.safetensors).")
    var out: String

    @Option(name: .customLong("data-dir"), help: "Data directory (default: $SCALPEL_DATA, else ~/.cache/scalpel).")
    var dataDirectory: String?

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard lr > 0 && lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") }
        guard trainSize >= 0 else { throw ValidationError("--train-size must be ≥ 0, got \(trainSize)") }
        guard ModelConfiguration.architectures.contains(arch) else {
            throw ValidationError("--arch '\(arch)' is not one of \(ModelConfiguration.architectures.joined(separator: ", "))")
        }
        guard ModelLimits.width.contains(width) else {
            throw ValidationError("--width must be in \(ModelLimits.width.lowerBound)...\(ModelLimits.width.upperBound), got \(width)")
        }
        try OutputPath.check(out, flag: "--out", inputs: [])
        guard (shift == nil) != (userData.sourcePath == nil) else { throw ValidationError("give --shift SPEC or --source PATH") }
        guard userData.target == nil, userData.corrupt == nil else { throw ValidationError("pretrain takes --source, not --target/--corrupt") }
        _ = try userData.preprocessingFlags()
        if shift != nil, try userData.preprocessingFlags().metadata.count > 0 {
            throw ValidationError("--channels/--resize/--crop/--mean/--std go with --source")
        }
    }

    func run() throws {
        let started = Date()
        var train: ImageSet, test: ImageSet, extra = [String: String]()
        if let shift {
            let data = try ShiftSpec(parsing: shift).materialize(ShiftOptions(store: DataStore(directory: dataDirectory)))
            (train, test) = data.source
            extra["scalpel.shift"] = shift
        } else {
            let path = userData.sourcePath!, preprocessing = try userData.preprocessingFlags()
            let data = try UserData.load(path, preprocessing: preprocessing, options: userData.readOptions)
            let sets = try data.trainAndTest(seed: seed)
            (train, test) = (sets.train, sets.test)
            guard train.height == train.width else {
                throw ValidationError("--source images are \(train.height)×\(train.width); models take square inputs (set --crop SIZE)")
            }
            // What a later run needs to feed the model the same way: the preprocessing and class names.
            var recorded = preprocessing
            recorded.channels = train.channels
            extra = recorded.metadata
            extra["scalpel.source"] = path
            extra["scalpel.class_names"] = String(decoding: try JSONEncoder().encode(sets.classNames), as: UTF8.self)
            print("source \(path): \(data.layout.rawValue), \(sets.classNames.count) classes, \(train.count) train / " +
                  "\(test.count) held-out test images of \(train.channels)×\(train.height)×\(train.width)")
        }
        if trainSize > 0 { train = train.subset(Array(0..<min(trainSize, train.count))) }
        // Training holds its set as one Float tensor (the held-out test set is streamed).
        guard train.floatByteCount <= 8 << 30 else {
            throw ValidationError("--source: \(train.count) training images need \(train.floatByteCount >> 20) MB as Float, " +
                                  "more than the 8 GiB training cap; set --train-size or a smaller --resize/--crop")
        }
        let config = ModelConfiguration(architecture: arch, inChannels: train.channels, classes: train.classCount,
                                        width: width, imageSize: train.height, seed: seed)
        try config.validate()
        let model = try config.build()
        print("pretrain \(model.architecture): \(model.parameterCount) parameters, \(train.count) source images, " +
              "\(epochs) epochs, \(Engine.threads) threads")
        var last = Date()
        let losses = Pretrainer(epochs: epochs, batchSize: batchSize, learningRate: lr, seed: seed)
            .train(model, on: train) { epoch, batch, batches, loss in
                if batch == batches || Date().timeIntervalSince(last) > 10 {
                    last = Date()
                    print(String(format: "  epoch %d/%d  batch %d/%d  loss %.4f  (%.0f s)", epoch, epochs, batch, batches,
                                 loss, Date().timeIntervalSince(started)))
                }
            }
        let accuracy = evaluate(model, on: ExampleSet(streaming: test)).accuracy
        let command = (["scalpel"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        try Checkpoint.save(model, to: out, metadata: extra.merging([
            "scalpel.architecture": model.architecture, "scalpel.width": "\(width)",
            "scalpel.in_channels": "\(train.channels)", "scalpel.classes": "\(train.classCount)",
            "scalpel.image_size": "\(train.height)",
            "scalpel.source_test_accuracy": String(format: "%.4f", accuracy),
            "scalpel.final_train_loss": String(format: "%.4f", losses.last ?? .nan), "scalpel.command": command,
        ]) { $1 })
        print(String(format: "source test accuracy %.2f%%; wrote %@ (%.0f s)", 100 * accuracy, out,
                     Date().timeIntervalSince(started)))
    }
}
