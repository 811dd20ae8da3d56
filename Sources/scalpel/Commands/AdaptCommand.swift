import ArgumentParser
import Foundation
import ScalpelAdaptation
import ScalpelData
import ScalpelEngine
import ScalpelExperiments
import ScalpelNN

/// `scalpel adapt`: unsupervised test-time adaptation (MEMO or TENT) of a checkpoint to a shift.
struct AdaptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt",
        abstract: "Adapt a checkpoint to a shift's test images without labels (MEMO or TENT); print accuracies.",
        discussion: """
        MEMO (Zhang et al. 2021): per test image, B augmentations (random crop + AugMix), K steps \
        minimizing the entropy of the averaged prediction on the --tune selection, then a prediction \
        on the un-augmented image. --mode episodic resets parameters, BatchNorm statistics and the \
        optimizer after every image; online keeps the updates. BatchNorm mixes its running \
        statistics with the batch's by prior strength --prior N (inf: running statistics only).

        TENT (Wang et al. 2020): entropy of test batches of --batch-size, BatchNorm on batch \
        statistics, updating only BatchNorm weights and biases (within --tune); always online.

        Without --optimizer and --lr each method and mode gets the paper's A.6 setting: episodic \
        MEMO AdamW lr 1e-4 (weight decay 0.01), online MEMO SGD lr 2e-6 (momentum 0.9), TENT \
        AdamW lr 1e-3 with batches of 64 (docs/analysis.md).

        Prints the accuracy without adaptation, with BatchNorm adaptation alone (MEMO with a finite \
        prior) and adapted; online runs also print the cumulative accuracy every --every images \
        (the paper's Figure 4, right). Test images: the first --test-size of the shift's target \
        test split (split by --split-seed).

        --db records the run in a results database in one transaction: its identity (checkpoint \
        hash, shift, split seed, test size, every adaptation setting, seed), the three accuracies, \
        the predictions and the curve. The identity is hashed into the run's key; running the same \
        identity again replaces the recorded run (one run per identity, the latest). `scalpel \
        report` draws the recorded runs (a table per shift, Figure 4 right).
        """)

    @OptionGroup var model: ModelOptions

    @Option(name: .long, help: "Checkpoint (safetensors or PyTorch .pth).")
    var checkpoint: String

    @Option(name: .long, help: "Shift whose target test images to adapt to, e.g. fmnist-c:gaussian_noise:5; or --target PATH.")
    var shift: String?

    @OptionGroup var userData: UserDataFlags

    @Option(name: .long, help: "Method: memo or tent.")
    var method = "memo"

    @Option(name: .long, help: "MEMO mode: episodic (default) or online; TENT is always online.")
    var mode: String?

    @Option(name: .long, help: "Selection of the parameters to adapt (all, stem, stem+block1, last, …).")
    var tune = "all"

    @Option(name: .long, help: "MEMO: augmentations B per test image.")
    var augmentations = 32

    @Option(name: .customLong("augmix-severity"), help: "MEMO: AugMix severity (1...10) of the augmentations.")
    var augmixSeverity = 3

    @Option(name: .long, help: "MEMO: gradient steps K per test image.")
    var steps = 1

    @Option(name: .long, help: "Optimizer: sgd (with --momentum) or adamw (default: adamw for episodic MEMO and TENT, sgd for online MEMO).")
    var optimizer: String?

    @Option(name: .long, help: "Learning rate (default: MEMO adamw 1e-4, MEMO sgd 2e-6, TENT adamw 1e-3, TENT sgd 2.5e-4).")
    var lr: Float?

    @Option(name: .long, help: "SGD momentum.")
    var momentum: Float = 0.9

    @Option(name: .customLong("weight-decay"), help: "Weight decay (default: 0.01 for MEMO with adamw, else 0).")
    var weightDecay: Float?

    @Option(name: .long, help: "MEMO: BatchNorm prior strength N, or inf for plain evaluation mode.")
    var prior = "16"

    @Option(name: .customLong("prior-counts"),
            help: "MEMO: how the B augmented copies count in BatchNorm's prior while adapting: one (one image, as MEMO's code; default) or each.")
    var priorCounts = "one"

    /// The weighting `--prior-counts` names.
    var priorCounting: PriorCounting {
        get throws {
            guard let counts = PriorCounting(rawValue: priorCounts) else {
                throw ValidationError("--prior-counts must be one or each, got '\(priorCounts)'")
            }
            return counts
        }
    }

    @Option(name: .customLong("batch-size"), help: "TENT: test images per batch.")
    var batchSize = 64

    @Option(name: .customLong("test-size"), help: "Number of test images (the first N of the target test split).")
    var testSize = 1000

    @Option(name: .long, help: "Curve point every N images (default: test size / 10).")
    var every: Int?

    @Option(name: .long, help: "Seed of MEMO's augmentations (TENT is deterministic).")
    var seed: UInt64 = 0

    @Option(name: .customLong("split-seed"), help: "Seed of the target split whose test images are adapted to.")
    var splitSeed: UInt64 = 0

    @Option(name: .long, help: "Record the run in this results database (SQLite; created if missing). A run with the same identity is replaced.")
    var db: String?

    @Option(name: .long, help: "Experiment name recorded with the run (--db).")
    var experiment = "adapt"

    @Option(name: .long, help: "Write the results as JSON to this file (atomically).")
    var json: String?

    @Option(name: .customLong("data-dir"), help: "Data directory (default: $SCALPEL_DATA, else ~/.cache/scalpel).")
    var dataDirectory: String?

    var priorStrength: Float? {
        get throws {
            if ["inf", "infinity", "none"].contains(prior.lowercased()) { return nil }
            guard let n = Float(prior), n >= 0, !n.isNaN else {
                throw ValidationError("--prior must be a number ≥ 0 or inf, got '\(prior)'")
            }
            return n.isFinite ? n : nil
        }
    }

    func validate() throws {
        guard ["memo", "tent"].contains(method) else { throw ValidationError("--method must be memo or tent, got '\(method)'") }
        if let mode {
            guard AdaptationMode(rawValue: mode) != nil else {
                throw ValidationError("--mode must be episodic or online, got '\(mode)'")
            }
            if method == "tent" && mode == "episodic" { throw ValidationError("--mode: TENT is online only") }
        }
        if let optimizer, AdaptationOptimizer.Kind(rawValue: optimizer) == nil {
            throw ValidationError("--optimizer must be sgd or adamw, got '\(optimizer)'")
        }
        guard augmentations > 0 else { throw ValidationError("--augmentations must be positive, got \(augmentations)") }
        guard (1...10).contains(augmixSeverity) else {
            throw ValidationError("--augmix-severity must be in 1...10, got \(augmixSeverity)")
        }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        if let lr { guard lr > 0 && lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") } }
        if let weightDecay {
            guard weightDecay >= 0 && weightDecay.isFinite else {
                throw ValidationError("--weight-decay must be a number ≥ 0, got \(weightDecay)")
            }
        }
        guard momentum >= 0 && momentum < 1 else { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") }
        _ = try priorStrength
        _ = try priorCounting
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard testSize > 0 else { throw ValidationError("--test-size must be positive, got \(testSize)") }
        if let every { guard every > 0 else { throw ValidationError("--every must be positive, got \(every)") } }
        do { _ = try Selection(parsing: tune) } catch { throw ValidationError("--tune: \(error)") }
        if let db {
            try OutputPath.check(db, flag: "--db", inputs: [.init("--checkpoint", checkpoint)])
        }
        if let json {
            try OutputPath.check(json, flag: "--json", inputs: [.init("--checkpoint", checkpoint), .init("--db", db)],
                                 allowsStandardOutput: true)
        }
        _ = try userData.shiftSpec(shift: shift)
        _ = try userData.preprocessingFlags()
    }

    var adaptationMode: AdaptationMode {
        method == "tent" ? .online : mode.flatMap(AdaptationMode.init(rawValue:)) ?? .episodic
    }

    /// The settings the flags describe (validated by `validate()`).
    func settings() throws -> AdaptationSettings {
        let adaptationOptimizer = chosenOptimizer
        let selection = try Selection(parsing: tune).description
        return method == "tent"
            ? .tent(selection: selection, optimizer: adaptationOptimizer, batchSize: batchSize)
            : .memo(mode: adaptationMode, selection: selection, optimizer: adaptationOptimizer, augmentations: augmentations,
                    steps: steps, augmixSeverity: augmixSeverity, priorStrength: try priorStrength,
                    priorCounts: try priorCounting)
    }

    func run() throws {
        let started = Date()
        let settings = try settings()
        let pretrained = try PretrainedModel(path: checkpoint, fallback: model.configuration)
        let net = pretrained.model
        do { _ = try Selection(parsing: tune).parameterNames(in: net) } catch { throw ValidationError("--tune: \(error)") }
        let shiftSpec = try userData.shiftSpec(shift: shift)
        let shift = shiftSpec.description
        let preprocessing = try userData.preprocessing(checkpointMetadata: pretrained.metadata, checkpoint: checkpoint,
                                                       inChannels: pretrained.configuration.inChannels)
        let data = try shiftSpec.materialize(ShiftOptions(store: DataStore(directory: dataDirectory), seed: splitSeed,
                                                          preprocessing: preprocessing, userData: userData.readOptions))
        let test = data.target.test.subset(Array(0..<min(testSize, data.target.test.count)))
        guard data.target.test.classCount == pretrained.configuration.classes else {
            throw ValidationError("--checkpoint \(checkpoint) has \(pretrained.configuration.classes) classes but \(shift) has "
                                  + "\(data.target.test.classCount); the classifier must match the shift's classes")
        }
        guard test.channels == pretrained.configuration.inChannels else {
            throw ValidationError("--checkpoint takes \(pretrained.configuration.inChannels)-channel images but \(shift) has \(test.channels)")
        }
        let interval = every ?? max(1, test.count / 10)
        // Opened (created and migrated) before the long run, so a bad --db fails at once.
        let database = try db.map { path in
            do { return try ResultsDatabase(path: path) } catch {
                throw ValidationError("--db: cannot open the results database '\(path)': \(error)")
            }
        }
        let planned = try db.map { _ in
            PlannedAdaptation(AdaptationConfiguration(
                identity: AdaptationIdentity(checkpointSHA256: try FileHash.sha256(ofFile: checkpoint), architecture: net.architecture,
                                             shift: shiftSpec.description, splitSeed: splitSeed, testSize: testSize,
                                             settings: settings, seed: seed),
                experiment: experiment, checkpointPath: checkpoint, shiftLabel: shift, every: interval))
        }
        print("adapt \(net.architecture) \(checkpoint) to \(shift): \(test.count) test images, \(Engine.threads) threads")

        var lastPrint = Date(), adaptationStarted = Date()
        let outcome = try AdaptationRun.run(net, on: test, settings: settings, seed: seed, every: interval) { event in
            switch event {
            case .baselines(let b):
                print(String(format: "no adaptation: %.2f%%", 100 * b.noAdaptation))
                if let p = b.priorOnly, let n = settings.priorStrength {
                    print(String(format: "BatchNorm prior %g only (no gradient step): %.2f%%", n, 100 * p))
                }
            case .started(let tensors, let parameters):
                adaptationStarted = Date()
                let o = settings.optimizer
                if settings.method == .memo {
                    print("MEMO \(settings.mode.rawValue), tuning \(settings.selection): \(tensors) tensors (\(parameters) parameters), " +
                          "B = \(augmentations), K = \(steps), \(o.kind.rawValue) lr \(o.learningRate)")
                } else {
                    print("TENT, BatchNorm affine tensors\(settings.selection == "all" ? "" : " within \(settings.selection)"): " +
                          "\(tensors) tensors, batch \(batchSize), \(o.kind.rawValue) lr \(o.learningRate)")
                }
            case .progress(let seen, let accuracy):
                if Date().timeIntervalSince(lastPrint) > 15 {
                    lastPrint = Date()
                    let left = ProgressText.timeLeft(elapsed: Date().timeIntervalSince(adaptationStarted), done: seen,
                                                     total: test.count).map { "; about \($0) left" } ?? ""
                    print(String(format: "  … %d/%d images, accuracy so far %.2f%% (%.0f s", seen, test.count, 100 * accuracy,
                                 Date().timeIntervalSince(started)) + left + ")")
                }
            }
        }
        let result = outcome.result
        print(String(format: "adapted: %.2f%% (%+.2f points; %.0f s)", 100 * result.accuracy,
                     100 * (result.accuracy - outcome.baselines.noAdaptation), result.seconds))
        if settings.mode == .online {
            // The baselines on the same first images: a hard start of the test set lowers every column.
            let baselines = Dictionary(outcome.baselineCurve.map { ($0.seen, $0) }, uniquingKeysWith: { a, _ in a })
            print("images seen | cumulative accuracy % | accuracy % since previous point | no adaptation % | prior only %")
            for p in result.curve {
                let b = baselines[p.seen]
                let plain = b.map { String(format: "%.2f", 100 * $0.noAdaptation) } ?? "–"
                let prior = b?.priorOnly.map { String(format: "%.2f", 100 * $0) } ?? "–"
                print(String(format: "%11d | %21.2f | %31.2f | ", p.seen, 100 * p.cumulativeAccuracy, 100 * p.windowAccuracy) +
                      String(repeating: " ", count: max(0, 15 - plain.count)) + plain + " | " + prior)
            }
        }
        if let json {
            try writeJSONAtomically(AdaptReport(command: (["scalpel"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                                checkpoint: checkpoint, architecture: net.architecture, shift: shift,
                                                settings: settings, splitSeed: splitSeed, seed: seed, key: planned?.key,
                                                outcome: outcome), to: json)
            if json != OutputPath.standardOutput { print("wrote \(json)") }
        }
        if let database, let planned, let db {
            let record = AdaptationRunRecord(planned: planned, outcome: outcome, startedAt: started, toolCommit: ToolVersion.commit)
            let replaced = try database.record(record, curve: AdaptationCurveRow.rows(runKey: planned.key, outcome: outcome),
                                               model: ModelRecord(checkpointSHA256: planned.identity.checkpointSHA256,
                                                                  checkpoint: checkpoint, model: net))
            print(replaced ? "replaced the run of the same identity in \(db) (key \(planned.key.prefix(12)))"
                           : "recorded in \(db) (key \(planned.key.prefix(12)))")
        }
    }
}
