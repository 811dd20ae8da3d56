/// One group of an experiment's `adaptation:` list: a grid of test-time adaptation runs, one per
/// checkpoint × shift of the experiment × mode × selection × learning rate × seed, with the
/// settings of `scalpel adapt` (same names, same defaults):
///
///     adaptation:
///       - method: memo                     # memo | tent
///         modes: [episodic, online]        # memo: default [episodic]; tent: online only
///         selections: [all, stem, stem+block1, last]   # default [all]
///         optimizer: sgd                   # sgd | adamw (default: adamw for episodic MEMO and TENT, sgd for online MEMO)
///         learning_rates: [2e-6]           # default: MEMO 1e-4 (adamw), 2e-6 (sgd); TENT 1e-3 (adamw), 2.5e-4 (sgd)
///         weight_decay: 0                  # default 0.01 for MEMO with adamw, else 0
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
    /// The adaptation method, an `AdaptationMethod` raw value: `memo` or `tent`.
    public var method: String
    /// Adaptation modes, `AdaptationMode` raw values (`episodic`, `online`); TENT is online only.
    /// nil: `[episodic]` for MEMO, `[online]` for TENT; an empty list is an error.
    public var modes: [String]?
    /// Parameter selections as `Selection` text (`all`, `stem+block1`, …), each fitting every
    /// checkpoint's model (for TENT, holding a BatchNorm weight or bias); nil: `[all]`.
    public var selections: [String]?
    /// MEMO only: augmented copies B per image (nil: 32).
    public var augmentations: Int?
    /// MEMO only: optimizer steps K per image (nil: 1).
    public var steps: Int?
    /// MEMO only: AugMix severity of the augmentations (nil: 3).
    public var augmixSeverity: Int?
    /// A number ≥ 0 or `inf`.
    public var prior: PriorText?
    /// `one` or `each` (`PriorCounting`); default `one`.
    public var priorCounts: String?
    /// TENT only: images per adaptation batch (nil: 64).
    public var batchSize: Int?
    /// `sgd` or `adamw` (`AdaptationOptimizer.Kind`); nil: the method and mode's recommended kind
    /// (`AdaptationOptimizer.recommended`: SGD for online MEMO, AdamW otherwise).
    public var optimizer: String?
    /// Learning rates, one run each (positive, finite, none twice); nil: the recommended rate for each
    /// mode and optimizer (`AdaptationOptimizer.recommended`).
    public var learningRates: [Float]?
    /// Weight decay; nil: the recommended one for the method, mode and optimizer.
    public var weightDecay: Float?
    /// SGD momentum (nil: 0.9).
    public var momentum: Float?
    /// The first N target test images adapted to and scored (positive; nil: 1000).
    public var testSize: Int?
    /// A point of the accuracy curve every N images (positive; nil: `testSize / 10`, at least 1).
    public var every: Int?
    /// Adaptation seeds (non-empty, none twice); nil: the experiment's `seeds`, else `[0]`.
    public var seeds: [UInt64]?

    enum CodingKeys: String, CodingKey {
        case method, modes, selections, augmentations, steps, prior, optimizer, momentum, every, seeds
        case augmixSeverity = "augmix_severity", batchSize = "batch_size", learningRates = "learning_rates"
        case weightDecay = "weight_decay", testSize = "test_size", priorCounts = "prior_counts"
    }

    /// A group of `method` with the given modes and selections (nil: their defaults), every other
    /// setting left at its default; validated when the experiment is planned.
    public init(method: String, modes: [String]? = nil, selections: [String]? = nil) {
        self.method = method
        self.modes = modes
        self.selections = selections
    }
}

/// MEMO's BatchNorm prior as written: a number (`16`) or `inf` (plain evaluation mode).
public struct PriorText: Codable, Sendable, Equatable {
    /// The prior as written: a number, or `inf` (also `infinity`, `.inf`, `none`).
    public var text: String

    /// A prior from its text; checked only by `strength()`.
    public init(_ text: String) { self.text = text }

    /// Decodes a YAML number (an infinite one becomes `inf`) or a string, kept as text.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Double.self) { text = n.isInfinite ? "inf" : "\(n)" } else { text = try c.decode(String.self) }
    }

    /// Encodes the text as a single string.
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
