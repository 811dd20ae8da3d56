import ScalpelAdaptation
import ScalpelData
import ScalpelNN

extension ExperimentSpec {
    /// Validates the `adaptation:` groups and expands them into one session per checkpoint and
    /// shift. Problems are appended to `errors`, each naming its field (`adaptation[0].modes[1]`);
    /// selections are resolved against the model of every checkpoint they will run on.
    ///
    /// The runs are counted from the lengths of the lists before any is built: past `maximumRuns`
    /// (nil: no cap) nothing is expanded and `count` says how many runs the groups ask for.
    func planAdaptation(shiftPlans: [ShiftPlan], models: [String: BlockModel], maximumRuns: Int?,
                        errors: inout [SpecError]) -> (sessions: [AdaptationSessionPlan], count: Int) {
        guard let groups = adaptation else { return ([], 0) }
        if groups.isEmpty { errors.append(SpecError("adaptation", "empty (omit it for no adaptation runs)")) }
        // One test stream per checkpoint and shift: the methods of a group are compared on the same images.
        var splitSeed: UInt64 = 0
        switch self.splitSeed ?? .fixed(0) {
        case .fixed(let value): splitSeed = value
        case .perSeed:
            errors.append(SpecError("split_seed", "\(SplitSeed.perSeedWord) applies to fine-tuning runs only; adaptation " +
                                    "runs compare their methods on one test stream, so give an integer"))
        }
        let experiment = name ?? "experiment"
        let grids = groups.enumerated().map { i, group in validate(group, field: "adaptation[\(i)]", models: models, errors: &errors) }
        let cells = shiftPlans.reduce(0) { $0.addingClamped($1.checkpoints.count) }
        let count = grids.reduce(0) { $0.addingClamped($1.count.multipliedClamped(cells)) }
        if let maximumRuns, count > maximumRuns { return ([], count) }
        let settingsByGroup = grids.map { $0.settings() }
        var sessions: [AdaptationSessionPlan] = []
        var owner: [String: Int] = [:]
        for plan in shiftPlans {
            for checkpoint in plan.checkpoints {
                var runs: [PlannedAdaptation] = []
                for (i, settings) in settingsByGroup.enumerated() {
                    for s in settings {
                        for seed in grids[i].seeds {
                            let identity = AdaptationIdentity(
                                checkpointSHA256: checkpoint.sha256, architecture: checkpoint.configuration.architecture,
                                shift: plan.identity, splitSeed: splitSeed, testSize: grids[i].testSize,
                                settings: s, seed: seed)
                            let run = PlannedAdaptation(AdaptationConfiguration(
                                identity: identity, experiment: experiment, checkpointPath: checkpoint.path,
                                shiftLabel: plan.label, every: grids[i].every))
                            if let first = owner[run.key] {
                                if first != i { errors.append(SpecError("adaptation[\(i)]", "repeats runs of adaptation[\(first)]")) }
                                continue
                            }
                            owner[run.key] = i
                            runs.append(run)
                        }
                    }
                }
                if !runs.isEmpty {
                    sessions.append(AdaptationSessionPlan(checkpoint: checkpoint, shift: plan.shift, splitSeed: splitSeed, runs: runs))
                }
            }
        }
        return (sessions, count)
    }

    /// The grid of one group (selections × modes × learning rates, its test size, curve interval
    /// and seeds), checked but not expanded; problems go to `errors` under `field`.
    private func validate(_ g: AdaptationSpec, field: String, models: [String: BlockModel],
                          errors: inout [SpecError]) -> AdaptationGrid {
        func fail(_ sub: String, _ message: String) { errors.append(SpecError(field + sub, message)) }
        func unique<T: Hashable>(_ values: [T], _ sub: String) {
            if Set(values).count != values.count { fail(sub, "a value is listed twice") }
        }
        let method = AdaptationMethod(rawValue: g.method)
        if method == nil {
            fail(".method", "unknown method '\(g.method)'; expected " + AdaptationMethod.allCases.map(\.rawValue).joined(separator: " or "))
        }
        let isMEMO = method != .tent
        for (name, given) in [("augmentations", g.augmentations != nil), ("steps", g.steps != nil),
                              ("augmix_severity", g.augmixSeverity != nil), ("prior", g.prior != nil),
                              ("prior_counts", g.priorCounts != nil)] where given && !isMEMO {
            fail(".\(name)", "applies to memo only (TENT adapts on batches, without augmentations)")
        }
        if g.batchSize != nil && method == .memo { fail(".batch_size", "applies to tent only (MEMO adapts one image at a time)") }

        // Modes.
        var modes: [AdaptationMode] = []
        for (j, text) in (g.modes ?? [isMEMO ? "episodic" : "online"]).enumerated() {
            guard let mode = AdaptationMode(rawValue: text) else {
                fail(".modes[\(j)]", "unknown mode '\(text)'; expected episodic or online")
                continue
            }
            if !isMEMO && mode == .episodic { fail(".modes[\(j)]", "TENT is online only") }
            modes.append(mode)
        }
        if g.modes?.isEmpty == true { fail(".modes", "at least one mode is needed") }
        unique(g.modes ?? [], ".modes")

        // Selections, canonical and resolved against every checkpoint's model.
        var selections: [String] = []
        for (j, text) in (g.selections ?? ["all"]).enumerated() {
            let selection: Selection
            do { selection = try Selection(parsing: text) } catch {
                fail(".selections[\(j)]", "\(error)")
                continue
            }
            for (path, model) in models.sorted(by: { $0.key < $1.key }) {
                do {
                    let names = try selection.parameterNames(in: model)
                    if method == .tent && TENT.batchNormAffineNames(in: model).isDisjoint(with: names) {
                        fail(".selections[\(j)]", "'\(text)' holds no BatchNorm weight or bias of \(model.architecture) " +
                             "of '\(path)', which is all TENT trains")
                    }
                } catch {
                    fail(".selections[\(j)]", "'\(text)' does not fit \(model.architecture) of '\(path)': \(error)")
                }
            }
            selections.append(selection.description)
        }
        if g.selections?.isEmpty == true { fail(".selections", "at least one selection is needed") }
        unique(selections, ".selections")

        // Optimizer and learning rates; what is left out is `scalpel adapt`'s default for the
        // method and mode (`AdaptationOptimizer.recommended`, the paper's A.6 settings).
        var kind: AdaptationOptimizer.Kind?
        if let text = g.optimizer {
            if let k = AdaptationOptimizer.Kind(rawValue: text) { kind = k } else {
                fail(".optimizer", "unknown optimizer '\(text)'; expected sgd or adamw")
            }
        }
        let rates = g.learningRates
        if rates?.isEmpty == true { fail(".learning_rates", "at least one learning rate is needed") }
        for (k, lr) in (rates ?? []).enumerated() where !(lr > 0 && lr.isFinite) {
            fail(".learning_rates[\(k)]", "\(lr) is not a positive number")
        }
        unique(rates ?? [], ".learning_rates")

        var prior: Float? = 16
        if let p = g.prior {
            do { prior = try p.strength() } catch let e as SpecError { fail(".prior", e.message) } catch { fail(".prior", "\(error)") }
        }

        var priorCounts = PriorCounting.augmentedBatchAsOneImage
        if let text = g.priorCounts {
            if let counts = PriorCounting(rawValue: text) { priorCounts = counts } else {
                fail(".prior_counts", "unknown value '\(text)'; expected one or each")
            }
            if prior == nil { fail(".prior_counts", "applies only with a finite prior (prior is inf)") }
        }

        // Test set, curve and seeds.
        let testSize = g.testSize ?? 1000
        if testSize <= 0 { fail(".test_size", "\(testSize) is not positive") }
        let every = g.every ?? max(1, testSize / 10)
        if every <= 0 { fail(".every", "\(every) is not positive") }
        let seeds = g.seeds ?? self.seeds ?? [0]
        if seeds.isEmpty { fail(".seeds", "at least one seed is needed") }
        unique(seeds, ".seeds")

        let grid = AdaptationGrid(selections: selections, modes: modes, rates: [], testSize: testSize, every: every,
                                  seeds: seeds, make: nil)
        guard let method else { return grid }
        let momentum = g.momentum ?? 0.9
        let make = { (selection: String, mode: AdaptationMode, lr: Float?) -> AdaptationSettings in
            let recommended = AdaptationOptimizer.recommended(method: method, mode: mode, kind: kind)
            let optimizer = AdaptationOptimizer(kind: recommended.kind, learningRate: lr ?? recommended.learningRate,
                                                weightDecay: g.weightDecay ?? recommended.weightDecay, momentum: momentum)
            return method == .memo
                ? .memo(mode: mode, selection: selection, optimizer: optimizer, augmentations: g.augmentations ?? 32,
                        steps: g.steps ?? 1, augmixSeverity: g.augmixSeverity ?? 3, priorStrength: prior,
                        priorCounts: priorCounts)
                : .tent(selection: selection, optimizer: optimizer, batchSize: g.batchSize ?? 64)
        }
        // Range problems of the scalar settings (the same checks `scalpel adapt` makes), once per group.
        if let selection = selections.first, let mode = modes.first {
            for p in make(selection, mode, nil).problems where p.setting != "learning_rate" && p.setting != "mode" {
                fail(".\(p.setting)", p.message)
            }
        }
        // Without `learning_rates`, each mode's recommended rate.
        return AdaptationGrid(selections: selections, modes: modes,
                              rates: rates.map { $0.filter { $0 > 0 && $0.isFinite }.map { Optional($0) } } ?? [nil],
                              testSize: testSize, every: every, seeds: seeds, make: make)
    }
}
