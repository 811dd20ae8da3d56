import ScalpelNN

/// A fine-tuning method of the paper and its configuration, written as text (the `--method`
/// of `scalpel finetune` and the `methods:` of a sweep):
///
/// | text | method | file |
/// |---|---|---|
/// | `all` | full fine-tuning | SurgicalFineTuning.swift |
/// | `surgical:SEL` | only the parameters of a selection (`surgical:block1`, `surgical:stem+block1`) | SurgicalFineTuning.swift |
/// | `last` | only the last block (linear probe) | SurgicalFineTuning.swift |
/// | `cross-val` | surgical on every block, the block chosen by validation | CrossValidation.swift |
/// | `gradual-unfreeze:first-to-last`, `gradual-unfreeze:last-to-first` | one more block every E/B epochs | GradualUnfreezing.swift |
/// | `l1sp` | all, plus λ·Σ‖θ − θ⁰‖₁ (hyperparameter λ) | L1SP.swift |
/// | `auto-rgn`, `auto-rgn:authors` | per-tensor learning rates from relative gradient norms | AutoRGN.swift |
/// | `auto-snr` | tensors with low gradient signal-to-noise frozen per epoch (hyperparameter: threshold) | AutoSNR.swift |
/// | `auto-rgn-ablation:C+C…` | Auto-RGN with changes `max`, `no-bn`, `reset`, `once` (an investigation tool) | AutoRGNAblation.swift |
/// | `successive-halving`, `successive-halving:η` | Cross-Val's block choice by successive halving (η = 2…8, default 2; the head never cut) | SuccessiveHalving.swift |
public struct MethodSpec: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The method families, by their text names (`all`, `surgical`, `cross-val`, …).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case all, surgical, last
        case crossValidation = "cross-val"
        case gradualUnfreeze = "gradual-unfreeze"
        case l1sp
        case autoRGN = "auto-rgn"
        case autoSNR = "auto-snr"
        case successiveHalving = "successive-halving"
        case autoRGNAblation = "auto-rgn-ablation"
    }

    /// Which method.
    public var kind: Kind
    /// The argument after the colon: the selection of `surgical`, the direction of
    /// `gradual-unfreeze`, the variant of `auto-rgn`.
    public var argument: String?

    /// A spec from its parts, unchecked (use `init(parsing:)` to validate text).
    public init(_ kind: Kind, argument: String? = nil) {
        self.kind = kind
        self.argument = argument
    }

    /// Parses `kind[:argument]`, checking the argument's form (a selection is checked against a
    /// model by `method(for:)`).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
        guard let head = parts.first, let kind = Kind(rawValue: head) else {
            throw MethodSpecError("unknown method '\(trimmed)'; expected one of \(Self.forms)")
        }
        let argument = parts.count > 1 ? parts[1] : nil
        switch kind {
        case .surgical:
            guard let argument, !argument.isEmpty else {
                throw MethodSpecError("'surgical' needs a selection, e.g. surgical:block1")
            }
            _ = try Selection(parsing: argument)
        case .gradualUnfreeze:
            guard argument == nil || GradualUnfreezing.Direction(rawValue: argument!) != nil else {
                throw MethodSpecError("gradual-unfreeze direction '\(argument!)': expected first-to-last or last-to-first")
            }
        case .autoRGN:
            guard argument == nil || AutoRGN.Variant(rawValue: argument!) != nil else {
                throw MethodSpecError("auto-rgn variant '\(argument!)': expected paper or authors")
            }
        case .autoRGNAblation:
            guard let argument, !argument.isEmpty else {
                throw MethodSpecError("'auto-rgn-ablation' needs changes: auto-rgn-ablation:max+no-bn (of max, no-bn, reset, once)")
            }
            _ = try AutoRGNAblation(parsing: argument)
        case .successiveHalving:
            guard argument == nil || Int(argument!).map(SuccessiveHalving.reductions.contains) == true else {
                throw MethodSpecError("successive-halving reduction '\(argument!)': expected an integer η from " +
                                      "\(SuccessiveHalving.reductions.lowerBound) to \(SuccessiveHalving.reductions.upperBound)")
            }
        default:
            guard argument == nil else { throw MethodSpecError("method '\(head)' takes no ':\(argument!)'") }
        }
        self.init(kind, argument: argument)
    }

    /// Every accepted form, for error messages and help.
    public static let forms = "all, last, surgical:SEL, cross-val, gradual-unfreeze:first-to-last, " +
        "gradual-unfreeze:last-to-first, l1sp, auto-rgn, auto-rgn:authors, auto-snr, successive-halving[:η], " +
        "auto-rgn-ablation:C+… (C: max, no-bn, reset, once)"

    /// The text form, `kind` or `kind:argument`; `init(parsing:)` reads it back.
    public var description: String { argument.map { "\(kind.rawValue):\($0)" } ?? kind.rawValue }

    /// Whether the method chooses one block per grid point (its runs' `selection` names it).
    public var choosesBlock: Bool { kind == .crossValidation || kind == .successiveHalving }

    /// The name of the method's own hyperparameter, if it has one.
    public var hyperparameterName: String? {
        switch kind {
        case .l1sp: "lambda"
        case .autoSNR: "threshold"
        default: nil
        }
    }

    /// The hyperparameter grid used when none is given.
    public var defaultHyperparameters: [Double] {
        switch kind {
        case .l1sp: L1SP.defaultLambdas
        case .autoSNR: AutoSNR.defaultThresholds
        default: []
        }
    }

    /// The method, with its selection resolved against `model` (throws naming what is wrong).
    public func method(for model: BlockModel) throws -> FineTuningMethod {
        switch kind {
        case .all: try SurgicalFineTuning(selection: .all, model: model)
        case .last: try SurgicalFineTuning(selection: .last(1), model: model)
        case .surgical: try SurgicalFineTuning(selection: Selection(parsing: argument ?? ""), model: model)
        case .crossValidation: CrossValidation()
        case .gradualUnfreeze:
            GradualUnfreezing(direction: argument.flatMap(GradualUnfreezing.Direction.init) ?? .firstToLast)
        case .l1sp: L1SP()
        case .autoRGN: AutoRGN(variant: argument.flatMap(AutoRGN.Variant.init) ?? .paper)
        case .autoSNR: AutoSNR()
        case .autoRGNAblation: try AutoRGNAblation(parsing: argument ?? "")
        case .successiveHalving:
            SuccessiveHalving(reduction: argument.flatMap { Int($0) } ?? SuccessiveHalving.defaultReduction)
        }
    }
}

/// A method text that does not parse.
public struct MethodSpecError: Error, CustomStringConvertible {
    /// What is wrong with the method text, naming the part at fault.
    public let description: String
    /// An error with `message` as its description.
    public init(_ message: String) { description = message }
}
