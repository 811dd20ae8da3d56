import ArgumentParser
import ScalpelAdaptation
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

    @Option(name: .long, help: "Test-time adaptation method.")
    var method: AdaptationMethod = .memo

    @Option(name: .long, help: "MEMO's mode (default: episodic); TENT is always online.")
    var mode: AdaptationMode?

    @Option(name: .long, help: "Selection of the parameters to adapt (all, stem, stem+block1, last, …).")
    var tune = "all"

    @Option(name: .long, help: "MEMO: augmentations B per test image.")
    var augmentations = 32

    @Option(name: .customLong("augmix-severity"), help: "MEMO: AugMix severity (1...10) of the augmentations.")
    var augmixSeverity = 3

    @Option(name: .long, help: "MEMO: gradient steps K per test image.")
    var steps = 1

    @Option(name: .long, help: "Optimizer; sgd uses --momentum (default: adamw for episodic MEMO and TENT, sgd for online MEMO).")
    var optimizer: AdaptationOptimizer.Kind?

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

    /// Checks every flag before any work (the checkpoint's own checks come in `run()`).
    func validate() throws {
        if method == .tent && mode == .episodic { throw ValidationError("--mode: TENT is online only") }
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
}
