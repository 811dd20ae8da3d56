import Foundation
import ScalpelTuning

/// An experiment as written in YAML: the grid a sweep runs, one run per
/// (checkpoint, shift, method, target size, learning rate, hyperparameter, seed).
///
///     name: per-block
///     checkpoints: [checkpoints/resnet26-fmnist.safetensors]
///     shifts: [fmnist-c:gaussian_noise:5, fmnist-flip]    # ShiftSpec text
///     methods: [all, surgical:block1, last, auto-rgn]       # MethodSpec text
///     learning_rates: [1e-3, 1e-4]
///     method_learning_rates: {last: [1e-1, 1e-2]}           # per-method override
///     hyperparameters: {lambda: [1e-4, 1e-3], threshold: [0.5]}
///     target_sizes: [10, 100]                               # tune examples per class (or group)
///     validation_per_class: 10
///     test_per_class: 100                                   # omit: every remaining example
///     seeds: [0, 1, 2]
///     epochs: 15
///     batch_size: 64
///     batch_norm: eval                                      # eval | train
///     optimizer: adam                                       # adam | adamw | sgd
///     adaptation:                                           # test-time adaptation runs (AdaptationSpec)
///       - {method: memo, modes: [episodic, online], selections: [all, stem]}
///     reuse: [../results/per-block.sqlite]                  # other studies' databases to copy runs from
///
/// `methods` and `learning_rates` may be left out when `adaptation` is given: an experiment
/// of adaptation runs only.
///
/// A shift may also be a map naming its own checkpoint (`{shift: fmnist-subpop, checkpoint: …}`),
/// for shifts whose source differs. Relative paths (checkpoints, a shift's checkpoint, a user-data
/// shift's `target:` and `source:`) are resolved against the spec's directory first, then the
/// working directory; a relative `data_dir` against the spec's directory; `reuse` paths like checkpoints.
public struct ExperimentSpec: Codable, Sendable, Equatable {
    /// The experiment's name, recorded on every run (default `experiment`).
    public var name: String?
    /// Checkpoint paths every shift is fine-tuned from (a shift's own `checkpoint` replaces them);
    /// nil or empty is allowed only when every shift names its checkpoint.
    public var checkpoints: [String]?
    /// The distribution shifts to adapt to, in order; at least one, none listed twice.
    public var shifts: [ShiftEntry]
    /// Fine-tuning methods as `MethodSpec` text (`all`, `surgical:block1`, `last`, `auto-rgn`, …);
    /// empty only when `adaptation` is given. Each must fit the model of every checkpoint.
    public var methods: [String]
    /// Learning rates tried for every method (positive, finite, none twice), unless
    /// `methodLearningRates` overrides them for a method.
    public var learningRates: [Float]
    /// Per-method learning rates, keyed by a method's text exactly as written in `methods`; they
    /// replace `learningRates` for that method. Each list must be non-empty and positive.
    public var methodLearningRates: [String: [Float]]?
    /// Values of a method's hyperparameter grid, by name: `lambda` (L1-SP) or `threshold` (Auto-SNR);
    /// finite values. Methods without that hyperparameter ignore them; a method whose
    /// hyperparameter is not listed uses its default values (`MethodSpec.defaultHyperparameters`).
    public var hyperparameters: [String: [Double]]?
    /// Target (tune) examples per class, or per group for grouped shifts, one session per size;
    /// positive. nil: each shift's default tune size.
    public var targetSizes: [Int]?
    /// Validation examples per class (positive); nil: the shift's default.
    public var validationPerClass: Int?
    /// Test examples per class (positive); nil: every target example left after tune and validation.
    public var testPerClass: Int?
    /// Fine-tuning seeds, each run once per grid point (non-empty, none twice); nil: `[0]`.
    public var seeds: [UInt64]?
    /// Which draw of the target split each fine-tuning seed uses: one fixed draw (an integer) or
    /// a draw per seed (`per-seed`); nil: `.fixed(0)`.
    public var splitSeed: SplitSeed?
    /// Training epochs per run (positive); nil: `TrainingOptions`' default, 15.
    public var epochs: Int?
    /// Mini-batch size (positive); nil: `TrainingOptions`' default, 64.
    public var batchSize: Int?
    /// Weight decay of the optimizer (≥ 0); nil: `TrainingOptions`' default, 1e-4.
    public var weightDecay: Float?
    /// BatchNorm policy while fine-tuning, a `BatchNormPolicy` raw value: `eval` (running statistics
    /// frozen, the default) or `train` (updated).
    public var batchNorm: String?
    /// The optimizer, an `OptimizerKind` raw value: `adam` (default), `adamw` or `sgd`.
    public var optimizer: String?
    /// Data directory (default: `$SCALPEL_DATA`, else `~/.cache/scalpel`).
    public var dataDirectory: String?
    /// Groups of test-time adaptation runs on the same checkpoints and shifts.
    public var adaptation: [AdaptationSpec]?
    /// Results databases of other studies whose finished runs a sweep copies instead of
    /// computing them (`SweepRunner.reuseSources`), as written.
    public var reuse: [String]?

    enum CodingKeys: String, CodingKey {
        case name, checkpoints, shifts, methods, hyperparameters, seeds, epochs, optimizer, adaptation, reuse
        case learningRates = "learning_rates", methodLearningRates = "method_learning_rates"
        case targetSizes = "target_sizes", validationPerClass = "validation_per_class", testPerClass = "test_per_class"
        case splitSeed = "split_seed", batchSize = "batch_size", weightDecay = "weight_decay"
        case batchNorm = "batch_norm", dataDirectory = "data_dir"
    }

    /// A spec of `checkpoints` × `shifts` × `methods` × `learningRates` × `seeds`, every other field
    /// left at its default. Nothing is validated here; `plan(source:maximumRuns:)` checks it all.
    public init(name: String? = nil, checkpoints: [String], shifts: [ShiftEntry], methods: [String],
                learningRates: [Float], seeds: [UInt64] = [0]) {
        self.name = name
        self.checkpoints = checkpoints
        self.shifts = shifts
        self.methods = methods
        self.learningRates = learningRates
        self.seeds = seeds
    }
}

extension ExperimentSpec {
    /// Decodes every field by name, so a mistyped value is reported by its path; `methods` and
    /// `learning_rates` default to empty (the plan requires them unless `adaptation` is given).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        checkpoints = try c.decodeIfPresent([String].self, forKey: .checkpoints)
        shifts = try c.decode([ShiftEntry].self, forKey: .shifts)
        methods = try c.decodeIfPresent([String].self, forKey: .methods) ?? []
        learningRates = try c.decodeIfPresent([Float].self, forKey: .learningRates) ?? []
        methodLearningRates = try c.decodeIfPresent([String: [Float]].self, forKey: .methodLearningRates)
        hyperparameters = try c.decodeIfPresent([String: [Double]].self, forKey: .hyperparameters)
        targetSizes = try c.decodeIfPresent([Int].self, forKey: .targetSizes)
        validationPerClass = try c.decodeIfPresent(Int.self, forKey: .validationPerClass)
        testPerClass = try c.decodeIfPresent(Int.self, forKey: .testPerClass)
        seeds = try c.decodeIfPresent([UInt64].self, forKey: .seeds)
        splitSeed = try c.decodeIfPresent(SplitSeed.self, forKey: .splitSeed)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay)
        batchNorm = try c.decodeIfPresent(String.self, forKey: .batchNorm)
        optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer)
        dataDirectory = try c.decodeIfPresent(String.self, forKey: .dataDirectory)
        adaptation = try c.decodeIfPresent([AdaptationSpec].self, forKey: .adaptation)
        reuse = try c.decodeIfPresent([String].self, forKey: .reuse)
    }
}

/// One entry of `shifts:`: a ShiftSpec text, optionally with its own checkpoint; or your own
/// data, `{name: NAME, target: PATH, source: PATH?, corrupt: NAME:SEVERITY?}` (a `data:` shift
/// that reports call NAME).
public struct ShiftEntry: Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    /// The shift as `ShiftSpec` text (`fmnist-c:gaussian_noise:5`, or `data:TARGET:source=…:corrupt=…`
    /// for user data); parsed and validated by `ExperimentSpec.plan`.
    public var shift: String
    /// The checkpoint(s) to adapt to this shift instead of the spec's `checkpoints`.
    public var checkpoint: String?
    /// The name reports and the results database give the shift (default: the shift text).
    public var name: String?

    /// A shift from its `ShiftSpec` text, optionally with its own checkpoint and reported name; not
    /// parsed or validated here.
    public init(_ shift: String, checkpoint: String? = nil, name: String? = nil) {
        self.shift = shift
        self.checkpoint = checkpoint
        self.name = name
    }

    /// A shift written as plain text, with the spec's checkpoints and no name of its own.
    public init(stringLiteral value: String) { self.init(value) }

    /// The label runs are recorded under.
    public var label: String { name ?? shift.trimmingCharacters(in: .whitespaces) }

    enum CodingKeys: String, CodingKey { case shift, checkpoint, name, target, source, corrupt }

    /// Decodes either a plain string (the shift text) or a map: `{shift, checkpoint?, name?}`, or
    /// `{target, source?, corrupt?, checkpoint?, name?}`, turned into `data:` shift text.
    public init(from decoder: Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.init(text)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let checkpoint = try c.decodeIfPresent(String.self, forKey: .checkpoint)
        let name = try c.decodeIfPresent(String.self, forKey: .name)
        if let target = try c.decodeIfPresent(String.self, forKey: .target) {
            var text = "data:\(target)"
            if let source = try c.decodeIfPresent(String.self, forKey: .source) { text += ":source=\(source)" }
            if let corrupt = try c.decodeIfPresent(String.self, forKey: .corrupt) { text += ":corrupt=\(corrupt)" }
            self.init(text, checkpoint: checkpoint, name: name)
        } else {
            self.init(try c.decode(String.self, forKey: .shift), checkpoint: checkpoint, name: name)
        }
    }

    /// Encodes a plain string when there is neither a checkpoint nor a name, else a `{shift, checkpoint,
    /// name}` map (a user-data shift as its `data:` text).
    public func encode(to encoder: Encoder) throws {
        if checkpoint == nil && name == nil {
            var c = encoder.singleValueContainer()
            try c.encode(shift)
        } else {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(shift, forKey: .shift)
            try c.encodeIfPresent(checkpoint, forKey: .checkpoint)
            try c.encodeIfPresent(name, forKey: .name)
        }
    }
}
