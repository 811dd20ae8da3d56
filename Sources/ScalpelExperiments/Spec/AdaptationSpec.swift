/// One group of an experiment's `adaptation:` list: a grid of test-time adaptation runs, one per
/// checkpoint × shift of the experiment × mode × selection × learning rate × seed, with the
/// settings of `scalpel adapt` (same names, same defaults):
///
///     adaptation:
///       - method: memo                     # memo | tent
///         modes: [episodic, online]        # memo: default [episodic]; tent: online only
///         selections: [all, stem, stem+block1, last]   # default [all]
///         optimizer: sgd                   # sgd | adamw (default sgd)
///         learning_rates: [2e-6]           # default 0.005 (sgd), 1e-4 (adamw)
///         weight_decay: 0                  # default 0 (sgd), 0.01 (adamw)
///         momentum: 0.9                    # sgd
///         augmentations: 32                # memo: B
///         steps: 1                         # memo: K
///         augmix_severity: 3               # memo
///         prior: 16                        # memo: BatchNorm prior N, or inf
///         prior_counts: one                # memo: the B copies count as one image (default) or each
///         batch_size: 64                   # tent
///         test_size: 500                   # the first N target test images (default 1000)
///         every: 50                        # a curve point every N images (default test_size / 10)
///         seeds: [0, 1, 2]                 # default: the experiment's seeds
///
/// The test images are those `scalpel adapt --split-seed S --test-size N` uses, S being the
/// experiment's `split_seed`.
public struct AdaptationSpec: Codable, Sendable, Equatable {
    public var method: String
    public var modes: [String]?
    public var selections: [String]?
    public var augmentations: Int?
    public var steps: Int?
    public var augmixSeverity: Int?
    /// A number ≥ 0 or `inf`.
    public var prior: PriorText?
    /// `one` or `each` (`PriorCounting`); default `one`.
    public var priorCounts: String?
    public var batchSize: Int?
    public var optimizer: String?
    public var learningRates: [Float]?
    public var weightDecay: Float?
    public var momentum: Float?
    public var testSize: Int?
    public var every: Int?
    public var seeds: [UInt64]?

    enum CodingKeys: String, CodingKey {
        case method, modes, selections, augmentations, steps, prior, optimizer, momentum, every, seeds
        case augmixSeverity = "augmix_severity", batchSize = "batch_size", learningRates = "learning_rates"
        case weightDecay = "weight_decay", testSize = "test_size", priorCounts = "prior_counts"
    }

    public init(method: String, modes: [String]? = nil, selections: [String]? = nil) {
        self.method = method
        self.modes = modes
        self.selections = selections
    }
}

/// MEMO's BatchNorm prior as written: a number (`16`) or `inf` (plain evaluation mode).
public struct PriorText: Codable, Sendable, Equatable {
    public var text: String

    public init(_ text: String) { self.text = text }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Double.self) { text = n.isInfinite ? "inf" : "\(n)" } else { text = try c.decode(String.self) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }

    /// The prior strength: nil for `inf`; throws a message for anything but a number ≥ 0 or inf.
    public func strength() throws -> Float? {
        if ["inf", "infinity", ".inf", "none"].contains(text.lowercased()) { return nil }
        guard let n = Float(text), n >= 0, !n.isNaN else {
            throw SpecError("", "'\(text)' is not a number ≥ 0 or inf")
        }
        return n.isFinite ? n : nil
    }
}
