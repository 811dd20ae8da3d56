import ScalpelAdaptation

extension ExperimentSpec {
    /// One validated group: its settings are built on demand (`settings()`), after the runs they
    /// make (`count`, per checkpoint and shift) have been counted.
    struct AdaptationGrid {
        var selections: [String]
        var modes: [AdaptationMode]
        /// nil: the mode's recommended rate.
        var rates: [Float?]
        var testSize: Int
        var every: Int
        var seeds: [UInt64]
        /// The settings of one cell; nil when the method is unknown.
        var make: ((String, AdaptationMode, Float?) -> AdaptationSettings)?

        /// Runs per checkpoint and shift: selections × modes × learning rates × seeds.
        var count: Int {
            guard make != nil else { return 0 }
            return selections.count.multipliedClamped(modes.count).multipliedClamped(rates.count).multipliedClamped(seeds.count)
        }

        /// One setting per selection × mode × learning rate.
        func settings() -> [AdaptationSettings] {
            guard let make else { return [] }
            return selections.flatMap { s in modes.flatMap { m in rates.map { make(s, m, $0) } } }
        }
    }
}
