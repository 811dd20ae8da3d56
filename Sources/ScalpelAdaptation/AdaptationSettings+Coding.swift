/// The JSON of `AdaptationSettings`: the synthesized form, but `priorCounts` written only when
/// it differs from the weighting every run had before it existed, so older records keep their keys.
extension AdaptationSettings {
    enum CodingKeys: String, CodingKey {
        case method, mode, selection, optimizer, augmentations, steps, augmixSeverity, priorStrength, batchSize, priorCounts
    }

    /// Decodes; a MEMO record with a finite prior and no `priorCounts` (recorded before the
    /// setting existed, or with `eachAugmentation`) is `eachAugmentation`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decode(AdaptationMethod.self, forKey: .method)
        mode = try c.decode(AdaptationMode.self, forKey: .mode)
        selection = try c.decode(String.self, forKey: .selection)
        optimizer = try c.decode(AdaptationOptimizer.self, forKey: .optimizer)
        augmentations = try c.decodeIfPresent(Int.self, forKey: .augmentations)
        steps = try c.decodeIfPresent(Int.self, forKey: .steps)
        augmixSeverity = try c.decodeIfPresent(Int.self, forKey: .augmixSeverity)
        priorStrength = try c.decodeIfPresent(Float.self, forKey: .priorStrength)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        let counts = try c.decodeIfPresent(PriorCounting.self, forKey: .priorCounts)
        priorCounts = counts ?? (method == .memo && priorStrength != nil ? .eachAugmentation : nil)
    }

    /// Encodes as the synthesized coding would, except that `priorCounts` is written only when it
    /// is `augmentedBatchAsOneImage`, so the identity of an `eachAugmentation` run (the only
    /// weighting before the setting existed) is unchanged.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(mode, forKey: .mode)
        try c.encode(selection, forKey: .selection)
        try c.encode(optimizer, forKey: .optimizer)
        try c.encodeIfPresent(augmentations, forKey: .augmentations)
        try c.encodeIfPresent(steps, forKey: .steps)
        try c.encodeIfPresent(augmixSeverity, forKey: .augmixSeverity)
        try c.encodeIfPresent(priorStrength, forKey: .priorStrength)
        try c.encodeIfPresent(batchSize, forKey: .batchSize)
        if priorCounts == .augmentedBatchAsOneImage { try c.encode(PriorCounting.augmentedBatchAsOneImage, forKey: .priorCounts) }
    }
}
