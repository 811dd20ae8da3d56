import ArgumentParser
import SafeTensors
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// `scalpel eval`: logits, loss and gradients of a checkpoint on given inputs — the
/// interoperability check anyone with PyTorch can run against their own model.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a checkpoint on inputs from a safetensors file; write logits, loss and gradients.",
        discussion: """
        INPUT holds a tensor `input` [N, C, H, W] (F32) and, with --labels, a tensor `labels` [N] (I64 or \
        F32). INPUT may also be your data (an image folder, .npz, .csv, … as `finetune --target` takes; all \
        its images, in batches of up to 500 (32 at 3×224×224) held as uint8 until used — or in one batch with --grads or --train-mode, \
        whose results depend on the whole batch), preprocessed as the checkpoint's metadata records and the preprocessing \
        flags say.

        The --out file receives `logits` [N, K]; with --labels also `loss` (mean cross-entropy); with --grads also \
        `grad.<name>` for every parameter.

        BatchNorm uses its running statistics unless --train-mode is given (then batch statistics, as \
        PyTorch's model.train()).
        """)

    @OptionGroup var model: ModelOptions

    @Option(name: .long, help: "Checkpoint: safetensors or a PyTorch .pth, with PyTorch state_dict names.")
    var checkpoint: String

    @Option(name: .long, help: "Safetensors file with the tensor `input` (and `labels`), or your data (see docs/data.md).")
    var input: String

    @OptionGroup var userData: UserDataFlags

    @Option(name: [.customLong("out"), .customLong("output")],
            help: "Where to write the results (safetensors). --output is the old spelling, deprecated.")
    var output: String

    @Flag(name: .long, help: "Read `labels` from INPUT and write the mean cross-entropy `loss`.")
    var labels = false

    @Flag(name: .long, help: "Write the gradient of the loss for every parameter (needs --labels).")
    var grads = false

    @Flag(name: .customLong("train-mode"), help: "Run BatchNorm with batch statistics (training mode).")
    var trainMode = false

    func validate() throws {
        if grads && !labels { throw ValidationError("--grads needs --labels (the gradient is of the loss)") }
        try OutputPath.check(output, flag: "--out", inputs: [.init("--checkpoint", checkpoint), .init("--input", input)])
    }

    func run() throws {
        // The architecture the checkpoint records wins over the flags (which fill in what it lacks).
        let pretrained = try PretrainedModel(path: checkpoint, fallback: model.configuration)
        let config = pretrained.configuration
        let net = pretrained.model
        var x: Tensor?, shape: [Int], fileLabels: () throws -> [Int]
        var streamed: ImageSet?  // your data without --grads or --train-mode: run in batches
        if let file = try? SafeTensorsFile(contentsOf: input), file.contains("input") {
            x = try file.tensor("input")
            shape = x!.shape
            fileLabels = {
                guard file.contains("labels") else { throw ValidationError("\(input): no tensor named 'labels'") }
                return try file.entry("labels").dtype.isInteger
                    ? ClassLabels.checked(try file.int64s("labels"), classes: config.classes, file: "\(input) (tensor 'labels')")
                    : ClassLabels.checked(try file.floats("labels"), classes: config.classes, file: "\(input) (tensor 'labels')")
            }
        } else {
            // Your data: every image, preprocessed as the checkpoint records (flags override).
            let preprocessing = try userData.preprocessing(checkpointMetadata: pretrained.metadata, checkpoint: checkpoint,
                                                           inChannels: config.inChannels)
            let names = try ShiftData.classNames(recordedIn: pretrained.metadata, file: checkpoint, outputs: config.classes)
            let data = try UserData.load(input, preprocessing: preprocessing, options: userData.readOptions)
            // Labels by class name onto the checkpoint's outputs when it records its class names.
            let parts = try (data.all.map { [$0] } ?? UserData.Split.allCases.compactMap { data.splits[$0] }).map { part in
                try names.map { try part.images.mappingLabels(named: part.classNames, onto: $0, model: checkpoint) } ?? part.images
            }
            let set = ImageSet.concatenating(parts)
            shape = [set.count, set.channels, set.height, set.width]
            if grads || trainMode { x = set.batch(Array(0..<set.count)) } else { streamed = set }
            fileLabels = {
                guard let bad = set.labels.first(where: { !(0..<config.classes).contains($0) }) else { return set.labels }
                throw ValidationError("\(input): label \(bad) is outside the checkpoint's \(config.classes) classes")
            }
            print("\(input): \(data.layout.rawValue), \(set.count) images of \(set.channels)×\(set.height)×\(set.width)")
        }
        guard shape.count == 4, shape[0] > 0, shape[1] == config.inChannels, shape[2] > 0, shape[3] > 0 else {
            throw ValidationError("\(input): 'input' has shape \(shape); expected [N, \(config.inChannels), H, W]")
        }
        if config.needsExactImageSize, shape[2] != config.imageSize || shape[3] != config.imageSize {
            throw ValidationError("\(input): 'input' has shape \(shape); \(config.architecture) takes "
                                  + "[N, \(config.inChannels), \(config.imageSize), \(config.imageSize)]")
        }
        net.train(trainMode)
        if grads { net.unfreeze() } else { net.freeze() }

        /// The logits of every input: per batch for streamed data (`evaluationBatchSize`), else in one batch.
        func runLogits() -> Tensor {
            guard let set = streamed else { return grads ? net(x!) : withNoGrad { net(x!) } }
            let batch = ExampleSet(streaming: set).evaluationBatchSize
            let parts = stride(from: 0, to: set.count, by: batch).map { start in
                withNoGrad { net(set.batch(Array(start..<min(set.count, start + batch)))) }
            }
            return Tensor.stackingSamples(parts)
        }
        var out: [String: TensorValue] = [:]
        if labels {
            let y = try fileLabels()
            guard y.count == shape[0] else {
                throw ValidationError("\(input): \(y.count) labels for \(shape[0]) inputs")
            }
            let logits = runLogits()
            let loss = crossEntropy(logits, targets: y)
            out["logits"] = .float32(logits)
            out["loss"] = .float32(loss)
            if grads {
                loss.backward()
                for (name, p) in net.namedParameters() { if let g = p.grad { out["grad.\(name)"] = .float32(g) } }
            }
        } else {
            out["logits"] = .float32(runLogits())
        }
        try SafeTensors.write(out, to: output)
        print("wrote \(out.count) tensors to \(output)")
    }
}
