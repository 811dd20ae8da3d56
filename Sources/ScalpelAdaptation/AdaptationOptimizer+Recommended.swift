/// The optimizers to use when none is given: settings under which adaptation helps rather than
/// collapses, after the paper's A.6 and what was measured here (docs/analysis.md, "MEMO and TENT").
extension AdaptationOptimizer {
    /// The optimizer kind of a method and mode: AdamW for episodic MEMO and for TENT, SGD for
    /// online MEMO (the paper's A.6).
    public static func recommendedKind(method: AdaptationMethod, mode: AdaptationMode) -> Kind {
        method == .memo && mode == .online ? .sgd : .adamw
    }

    /// The optimizer of `method` in `mode`, of `kind` (by default `recommendedKind`):
    ///
    /// | method | mode | kind | learning rate | weight decay | source |
    /// |---|---|---|---:|---:|---|
    /// | MEMO | episodic | AdamW | 1e-4 | 0.01 | A.6; measured here |
    /// | MEMO | online | SGD (momentum 0.9) | 2e-6 | 0 | A.6; measured here |
    /// | MEMO | either | the other kind | that kind's rate above | as above | |
    /// | TENT | online | AdamW | 1e-3 | 0 | A.6 (TENT's CIFAR setting); measured here |
    /// | TENT | online | SGD (momentum 0.9) | 2.5e-4 | 0 | TENT's ImageNet setting; not measured here |
    ///
    /// SGD at 0.005, MEMO's CIFAR rate and once this tool's default, drives online MEMO on all
    /// parameters of the committed ResNet-26 from 56% to single digits within 100 images.
    public static func recommended(method: AdaptationMethod, mode: AdaptationMode, kind: Kind? = nil) -> AdaptationOptimizer {
        let kind = kind ?? recommendedKind(method: method, mode: mode)
        switch (method, kind) {
        case (.memo, .adamw): return AdaptationOptimizer(kind: .adamw, learningRate: 1e-4, weightDecay: 0.01)
        case (.memo, .sgd): return AdaptationOptimizer(kind: .sgd, learningRate: 2e-6, weightDecay: 0, momentum: 0.9)
        case (.tent, .adamw): return AdaptationOptimizer(kind: .adamw, learningRate: 1e-3, weightDecay: 0)
        case (.tent, .sgd): return AdaptationOptimizer(kind: .sgd, learningRate: 2.5e-4, weightDecay: 0, momentum: 0.9)
        }
    }
}
