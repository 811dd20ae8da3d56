import Foundation

/// A test-time adaptation method: MEMO (one image at a time, episodic or online) or TENT
/// (batches, online).
public enum AdaptationMethod: String, Sendable, Codable, CaseIterable {
    case memo, tent
}

/// How one adaptation run adapts: the method, its mode, the selection of parameters and every
/// setting that changes what the run computes. Settings that do not apply to the method are nil
/// (`augmentations`, `steps`, `augmixSeverity`, `priorStrength`, `priorCounts` for TENT;
/// `batchSize` for MEMO; `priorCounts` for MEMO without a finite prior), so two descriptions of
/// the same computation are equal and encode to the same JSON.
public struct AdaptationSettings: Sendable, Codable, Equatable, Hashable {
    /// MEMO or TENT.
    public var method: AdaptationMethod
    /// Always `.online` for TENT.
    public var mode: AdaptationMode
    /// Canonical selection text (`Selection.description`); for TENT, the BatchNorm affine
    /// tensors are intersected with it (`all`: every one of them).
    public var selection: String
    /// The optimizer of the adapted parameters; episodic MEMO rebuilds it fresh for every image.
    public var optimizer: AdaptationOptimizer
    /// MEMO: B, augmented copies per step.
    public var augmentations: Int?
    /// MEMO: K, gradient steps per test image.
    public var steps: Int?
    /// MEMO: AugMix severity of the augmentations (1...10).
    public var augmixSeverity: Int?
    /// MEMO: BatchNorm prior strength N; nil is +∞ (plain evaluation mode) for MEMO.
    public var priorStrength: Float?
    /// TENT: test images per batch.
    public var batchSize: Int?
    /// MEMO with a finite prior N: how the B augmented copies count in BatchNorm's statistics
    /// while adapting, μ = (N·μ_source + w·μ_batch)/(N + w) with w = 1 (`augmentedBatchAsOneImage`)
    /// or w = B (`eachAugmentation`); see `PriorCounting`. The JSON (and so a run's key) carries it
    /// only when it is `augmentedBatchAsOneImage`: runs recorded before it existed decode as
    /// `eachAugmentation` and keep their keys.
    public var priorCounts: PriorCounting?

    /// MEMO's settings (the defaults are the paper's A.6 CIFAR setting with our prior of 16).
    public static func memo(mode: AdaptationMode, selection: String, optimizer: AdaptationOptimizer,
                            augmentations: Int = 32, steps: Int = 1, augmixSeverity: Int = 3,
                            priorStrength: Float? = 16,
                            priorCounts: PriorCounting = .augmentedBatchAsOneImage) -> AdaptationSettings {
        let prior = priorStrength.flatMap { $0.isFinite ? $0 : nil }
        return AdaptationSettings(method: .memo, mode: mode, selection: selection, optimizer: optimizer,
                                  augmentations: augmentations, steps: steps, augmixSeverity: augmixSeverity,
                                  priorStrength: prior, batchSize: nil, priorCounts: prior == nil ? nil : priorCounts)
    }

    /// TENT's settings: always online.
    public static func tent(selection: String, optimizer: AdaptationOptimizer, batchSize: Int = 64) -> AdaptationSettings {
        AdaptationSettings(method: .tent, mode: .online, selection: selection, optimizer: optimizer,
                           augmentations: nil, steps: nil, augmixSeverity: nil, priorStrength: nil, batchSize: batchSize,
                           priorCounts: nil)
    }

    /// A learning rate per optimizer kind alone: SGD 0.005 (MEMO's CIFAR rate, which collapses
    /// online MEMO here), AdamW 1e-4. Superseded by the per-method, per-mode defaults.
    @available(*, deprecated, message: "use AdaptationOptimizer.recommended(method:mode:kind:)")
    public static func defaultLearningRate(_ kind: AdaptationOptimizer.Kind) -> Float { kind == .sgd ? 0.005 : 1e-4 }

    /// The weight decay per optimizer kind alone: 0 for SGD, 0.01 for AdamW.
    @available(*, deprecated, message: "use AdaptationOptimizer.recommended(method:mode:kind:)")
    public static func defaultWeightDecay(_ kind: AdaptationOptimizer.Kind) -> Float { kind == .sgd ? 0 : 0.01 }

    /// Problems with these settings, each naming its setting; empty when they can run.
    public var problems: [(setting: String, message: String)] {
        var out: [(String, String)] = []
        if method == .tent && mode != .online { out.append(("mode", "TENT is online only")) }
        if let b = augmentations, b <= 0 { out.append(("augmentations", "must be positive, got \(b)")) }
        if let k = steps, k <= 0 { out.append(("steps", "must be positive, got \(k)")) }
        if let s = augmixSeverity, !(1...10).contains(s) { out.append(("augmix_severity", "must be in 1...10, got \(s)")) }
        if let n = priorStrength, !(n >= 0) { out.append(("prior", "must be ≥ 0 or inf, got \(n)")) }
        if let n = batchSize, n <= 0 { out.append(("batch_size", "must be positive, got \(n)")) }
        if priorCounts != nil && (method != .memo || priorStrength == nil) {
            out.append(("prior_counts", "applies to MEMO with a finite prior only"))
        }
        let o = optimizer
        if !(o.learningRate > 0 && o.learningRate.isFinite) { out.append(("learning_rate", "must be a positive number, got \(o.learningRate)")) }
        if !(o.weightDecay >= 0 && o.weightDecay.isFinite) { out.append(("weight_decay", "must be a number ≥ 0, got \(o.weightDecay)")) }
        if !(o.momentum >= 0 && o.momentum < 1) { out.append(("momentum", "must be in [0, 1), got \(o.momentum)")) }
        return out
    }

    /// The settings as short texts in a fixed order for the method (`online`, `adamw`,
    /// `lr 0.001`, `wd 0`, `m 0.9`, then `B=32`, `K=1`, `N=16`, `severity 3` or `batch 64`), so
    /// two settings of one method can be told apart by the parts that differ.
    public var parts: [String] {
        func g(_ v: Float) -> String { String(format: "%g", Double(v)) }
        let o = optimizer
        let common = [mode.rawValue, o.kind.rawValue, "lr \(g(o.learningRate))", "wd \(g(o.weightDecay))", "m \(g(o.momentum))"]
        switch method {
        case .memo:
            return common + ["B=\(augmentations ?? 0)", "K=\(steps ?? 0)", "N=\(priorStrength.map(g) ?? "inf")",
                             "severity \(augmixSeverity ?? 0)"] + (priorCounts == .eachAugmentation ? ["prior counts each"] : [])
        case .tent:
            return common + ["batch \(batchSize ?? 0)"]
        }
    }

    /// A short description for tables and legends: `adamw lr 0.0001 wd 0.01, B=32 K=1 N=16`
    /// (`m` is SGD's momentum; a severity other than 3 is named).
    public var summary: String {
        func g(_ v: Float) -> String { String(format: "%g", Double(v)) }
        var optimizerText = "\(optimizer.kind.rawValue) lr \(g(optimizer.learningRate))"
        if optimizer.weightDecay != 0 { optimizerText += " wd \(g(optimizer.weightDecay))" }
        if optimizer.kind == .sgd && optimizer.momentum != 0 { optimizerText += " m \(g(optimizer.momentum))" }
        switch method {
        case .memo:
            let severity = augmixSeverity.map { $0 == 3 ? "" : " severity \($0)" } ?? ""
            let counts = priorCounts == .eachAugmentation ? " prior counts each" : ""
            return optimizerText + ", B=\(augmentations ?? 0) K=\(steps ?? 0) N=\(priorStrength.map(g) ?? "inf")" + severity + counts
        case .tent:
            return optimizerText + ", batch \(batchSize ?? 0)"
        }
    }
}
