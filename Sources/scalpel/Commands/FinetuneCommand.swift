import ArgumentParser
import Foundation
import ScalpelData
import ScalpelEngine
import ScalpelNN
import ScalpelTuning

/// `scalpel finetune`: one method of the paper on one shift, with the paper's protocol.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a pre-trained checkpoint on a shift's target data with one method and the paper's protocol.",
        discussion: """
        For every seed, every learning rate of the grid (and every value of the method's own hyperparameter: \
        --lambda for l1sp, --threshold for auto-snr) is one run from the checkpoint: EPOCHS epochs on the \
        tuning set, target validation accuracy after each, the best epoch's state kept and evaluated once on \
        the test set.

        Per seed the run with the best validation accuracy is chosen; the table shows each seed's choice and \
        mean ± standard error. A run whose loss becomes NaN or infinite is reported as diverged and never \
        chosen.

        --tune-per-class and --test-per-class count examples per class (per group for spurious shifts); the \
        --*-size flags of other commands count images in total.

        Methods: \(MethodSpec.forms). `--method surgical --tune SEL` is `surgical:SEL`.
        """)

    @Option(name: .long, help: "Pre-trained checkpoint: written by `scalpel pretrain`, or any safetensors or PyTorch .pth (then pass the model flags).")
    var checkpoint: String

    @Option(name: .long, help: "Shift, e.g. fmnist-flip, fmnist-c:fog:5, fmnist-subpop (see docs/shifts.md); or --target.")
    var shift: String?

    @OptionGroup var userData: UserDataFlags

    @Option(name: .customLong("new-head"), help: "Replace the checkpoint's last Linear layer by a fresh one for K classes (seeded by --head-seed); every run trains it besides the method's own selection.")
    var newHead: Int?

    @Option(name: .customLong("head-seed"), help: "Seed of the --new-head initialization.")
    var headSeed: UInt64 = 0

    @Option(name: .long, help: "Method: \(MethodSpec.forms).")
    var method: String

    @Option(name: .long, help: "Selection for --method surgical (block1, stem+block1, block1...block3, re:…).")
    var tune: String?

    @Option(name: .customLong("tune-per-class"), help: "Tuning examples per class (per group for spurious shifts); default: the shift's (your data: half the smallest class; validation a tenth of this).")
    var targetSize: Int?

    @Option(name: .customLong("target-size"), help: .hidden)
    var oldTargetSize: Int?

    @Option(name: .customLong("test-per-class"), help: "Test examples per class (per group); default: all the rest of the target.")
    var testSize: Int?

    @Option(name: .customLong("test-size"), help: .hidden)
    var oldTestSize: Int?

    @Option(name: .long, help: "Epochs per run.")
    var epochs = 15

    @Option(name: .customLong("batch-size"), help: "Batch size.")
    var batchSize = 64

    @Option(name: .long, help: "Learning-rate grid (default 1e-3,1e-4,1e-5; 1e-1,1e-2,1e-3 for last).")
    var lr: String?

    @Option(name: .long, help: "L1-SP's λ grid (default 1e-3,1e-4,1e-5).")
    var lambda: String?

    @Option(name: .long, help: "Auto-SNR's threshold grid (default 0.05,0.2,0.5).")
    var threshold: String?

    @Option(name: .customLong("weight-decay"), help: "Weight decay.")
    var wd: Float = 1e-4

    @Option(name: .customLong("wd"), help: .hidden)
    var oldWeightDecay: Float?

    @Option(name: .long, help: "Optimizer: adam (L2 decay, the paper's), adamw, sgd.")
    var optimizer: OptimizerKind = .adam

    @Option(name: .long, help: "Seeds (comma-separated).")
    var seeds = "0,1,2"

    @Option(name: .long, help: "BatchNorm while fine-tuning: eval (running statistics, the authors' default) or train.")
    var bn: BatchNormPolicy = .frozen

    @Flag(name: .long, help: "Random crops of the tuning images (disables the frozen-prefix cache).")
    var augment = false

    @Flag(name: .customLong("no-cache"), help: "Recompute frozen blocks every batch instead of caching their activations.")
    var noCache = false

    @Option(name: .customLong("split-seed"), help: "Seed of the target split into tune / validation / test.")
    var splitSeed: UInt64 = 0

    @Option(name: .long, help: "Write the results, per-epoch curves and Auto-RGN/SNR weights as JSON here.")
    var json: String?

    @Option(name: .customLong("save-patch"), help: "Save the first seed's chosen run as a patch against the checkpoint.")
    var savePatch: String?

    @Option(name: .long, help: "Save the first seed's chosen run as a whole safetensors checkpoint (architecture, classes, preprocessing and class names in its metadata).")
    var save: String?

    @Flag(name: .long, help: "Let --save replace an existing file.")
    var force = false

    @OptionGroup var model: ModelOptions

    @Option(name: .customLong("data-dir"), help: "Data directory (default: $SCALPEL_DATA, else ~/.cache/scalpel).")
    var dataDirectory: String?

    mutating func validate() throws {
        try RenamedFlag("--target-size", to: "--tune-per-class").resolve(&targetSize, old: oldTargetSize)
        try RenamedFlag("--test-size", to: "--test-per-class", note: "in finetune it counts per class")
            .resolve(&testSize, old: oldTestSize)
        RenamedFlag("--wd", to: "--weight-decay").resolve(&wd, old: oldWeightDecay)
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        if let targetSize, targetSize <= 0 { throw ValidationError("--tune-per-class must be positive, got \(targetSize)") }
        if let testSize, testSize <= 0 { throw ValidationError("--test-per-class must be positive, got \(testSize)") }
        guard wd >= 0 && wd.isFinite else { throw ValidationError("--weight-decay must be a number ≥ 0, got \(wd)") }
        _ = try methodSpec()
        _ = try userData.shiftSpec(shift: shift)
        try validateNewHead()
        _ = try userData.preprocessingFlags()
        _ = try learningRates()
        _ = try parseList(seeds, flag: "--seeds", as: UInt64.self)
        for r in try learningRates() where !(r > 0 && r.isFinite) {
            throw ValidationError("--lr: every learning rate must be a positive number, got \(r)")
        }
        try checkGrids()
        let inputs: [OutputPath.Input] = [.init("--checkpoint", checkpoint)]
        if let json { try OutputPath.check(json, flag: "--json", inputs: inputs, allowsStandardOutput: true) }
        if let savePatch {
            try OutputPath.check(savePatch, flag: "--save-patch", inputs: inputs)
            try OutputPath.check(Patch.manifestPath(for: savePatch), flag: "--save-patch (its manifest)", inputs: inputs)
        }
        if let save {
            try OutputPath.check(save, flag: "--save", inputs: inputs)
            if !force && FileManager.default.fileExists(atPath: save) {
                throw ValidationError("--save \(save) exists; pass --force to replace it")
            }
        }
        try OutputPath.checkDistinct([.init("--json", json), .init("--save-patch", savePatch), .init("--save", save)])
    }

    func methodSpec() throws -> MethodSpec {
        let text = method == "surgical" ? "surgical:\(tune ?? "")" : method
        if tune != nil && method != "surgical" {
            throw ValidationError("--tune is for --method surgical; '\(method)' chooses its own parameters")
        }
        do { return try MethodSpec(parsing: text) } catch { throw ValidationError("--method: \(error)") }
    }

    func learningRates() throws -> [Float] {
        if let lr { return try parseList(lr, flag: "--lr") }
        return (try? methodSpec())?.kind == .last ? [1e-1, 1e-2, 1e-3] : [1e-3, 1e-4, 1e-5]
    }

    func hyperparameters(for spec: MethodSpec) throws -> [Double]? {
        switch (spec.kind, lambda, threshold) {
        case (.l1sp, let l?, nil): return try parseList(l, flag: "--lambda")
        case (.autoSNR, nil, let t?): return try parseList(t, flag: "--threshold")
        case (_, nil, nil): return nil
        case (_, _?, _): throw ValidationError("--lambda is for --method l1sp")
        case (_, _, _?): throw ValidationError("--threshold is for --method auto-snr")
        }
    }

    func run() throws {
        let started = Date()
        let spec = try methodSpec()
        let study = MethodStudy(method: spec, learningRates: try learningRates(),
                                hyperparameters: try hyperparameters(for: spec),
                                seeds: try parseList(seeds, flag: "--seeds"))
        let pretrained = try PretrainedModel(path: checkpoint, fallback: model.configuration)
        // The method (and its selection) resolved against the model before any data is loaded.
        do { _ = try spec.method(for: pretrained.model) } catch { throw ValidationError("--method/--tune: \(error)") }
        let shiftSpec = try userData.shiftSpec(shift: shift)
        let (data, net, fresh, preprocessing) = try targetDataAndModel(shiftSpec: shiftSpec, pretrained: pretrained)
        let options = TrainingOptions(epochs: epochs, batchSize: batchSize, weightDecay: wd, optimizer: optimizer,
                                      batchNorm: bn, augment: augment)
        let runData = RunData(tune: ExampleSet(data.target.tune), validation: ExampleSet(data.target.validation),
                              test: ExampleSet(streaming: data.target.test))
        let session = TuningSession(tuner: FineTuner(model: net, options: options, alwaysTrained: fresh), data: runData,
                                    cachesPrefixes: !noCache)
        let noAdaptation = evaluate(net, on: runData.test)

        let report = FinetuneReport(spec: spec, study: study, options: options, data: data, pretrained: pretrained,
                                    totalParameters: net.parameterCount)
        report.printHeader(noAdaptation: noAdaptation, threads: Engine.threads)
        let runsStarted = Date()
        let result = try study.run(in: session) { done, total, run in
            report.printRun(run, done: done, total: total, elapsed: Date().timeIntervalSince(runsStarted))
        }
        report.printSummary(result, noAdaptation: noAdaptation, seconds: Date().timeIntervalSince(started))

        if let savePatch, result.chosenRuns.first == nil {
            print("no patch written to \(savePatch): every run of the first seed diverged")
        }
        if let savePatch, let chosen = result.chosenRuns.first {
            try saveChosenPatch(chosen, studyRuns: result.runs.count, spec: spec, session: session, to: savePatch)
        }
        if let save {
            try saveChosenModel(result, spec: spec, session: session, data: data, preprocessing: preprocessing,
                                pretrained: pretrained, to: save)
        }
        if let json {
            try report.writeJSON(result, noAdaptation: noAdaptation, blocksComputedOnce: session.blocksComputedOnce,
                                 seconds: Date().timeIntervalSince(started), to: json)
            if json != OutputPath.standardOutput { print("wrote \(json)") }
        }
    }
}

extension OptimizerKind: ExpressibleByArgument {}
extension BatchNormPolicy: ExpressibleByArgument {}
