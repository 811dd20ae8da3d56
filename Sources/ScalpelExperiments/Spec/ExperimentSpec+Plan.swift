import Foundation
import ScalpelData
import ScalpelNN
import ScalpelTuning

extension ExperimentSpec {
    /// Validates the whole specification before any run and expands it into its sessions and
    /// runs. Every problem is collected and thrown together as `SpecErrors`, each naming its
    /// field: an unknown method or shift, a selection that does not exist in the model built from
    /// the checkpoint, a missing checkpoint, an empty grid, a bad option, a bad adaptation group
    /// (`adaptation[1].selections[0]`).
    ///
    /// - Parameters:
    ///   - source: the spec's file, for messages; its directory resolves relative paths: checkpoints
    ///     (the spec's and a shift's), a `data:` shift's target and source, and `data_dir`.
    ///   - maximumRuns: the most runs the spec may plan (`defaultMaximumRuns`; nil: no cap).
    public func plan(source: String = "spec", maximumRuns: Int? = ExperimentSpec.defaultMaximumRuns) throws -> SweepPlan {
        var errors: [SpecError] = []
        let specDirectory = source == "spec" ? nil : URL(fileURLWithPath: source).deletingLastPathComponent().path
        func check(_ ok: Bool, _ field: String, _ message: @autoclosure () -> String) {
            if !ok { errors.append(SpecError(field, message())) }
        }

        // Checkpoints, loaded once each by path.
        var sources: [String: CheckpointSource] = [:]
        var models: [String: BlockModel] = [:]
        func checkpoint(_ path: String, field: String) -> CheckpointSource? {
            let resolved = CheckpointSource.resolve(path, relativeTo: specDirectory)
            if let hit = sources[resolved] { return hit }
            do {
                let (c, model) = try CheckpointSource.open(resolved)
                models[resolved] = model
                sources[resolved] = c
                return c
            } catch let e as SpecError {
                errors.append(SpecError(field, e.message))
            } catch {
                errors.append(SpecError(field, "checkpoint '\(path)' does not load: \(error)"))
            }
            return nil
        }
        let defaultCheckpoints = (checkpoints ?? []).enumerated().compactMap { checkpoint($1, field: "checkpoints[\($0)]") }
        check(!(checkpoints ?? []).isEmpty || shifts.allSatisfy { $0.checkpoint != nil }, "checkpoints",
              "at least one checkpoint is needed (or a checkpoint on every shift)")

        // Shifts, each with its checkpoints.
        check(!shifts.isEmpty, "shifts", "at least one shift is needed")
        var shiftPlans: [ShiftPlan] = []
        for (i, entry) in shifts.enumerated() {
            let parsed: ShiftSpec?
            do { parsed = try ShiftSpec(parsing: entry.shift) } catch {
                errors.append(SpecError("shifts[\(i)]", "\(error)"))
                parsed = nil
            }
            let own = entry.checkpoint.map { checkpoint($0, field: "shifts[\(i)].checkpoint") }
            if let parsed {
                let plan = ShiftPlan(shift: parsed.resolvingPaths(relativeTo: specDirectory), identity: parsed.description,
                                     label: entry.label, checkpoints: own.map { $0.map { [$0] } ?? [] } ?? defaultCheckpoints)
                if case .userData = parsed {
                    // Your images are read as each checkpoint records: its preprocessing and class names.
                    for source in plan.checkpoints {
                        do {
                            _ = try source.userDataPreprocessing()
                            _ = try source.recordedClassNames()
                        } catch { errors.append(SpecError("shifts[\(i)]", "\(error)")) }
                    }
                }
                shiftPlans.append(plan)
            }
        }

        // Methods, resolved against every model they will run on.
        check(!methods.isEmpty || !(adaptation ?? []).isEmpty, "methods",
              "at least one method is needed (or an adaptation: section)")
        var methodSpecs: [MethodSpec] = []
        for (i, text) in methods.enumerated() {
            do {
                let m = try MethodSpec(parsing: text)
                for (path, model) in models.sorted(by: { $0.key < $1.key }) {
                    do { _ = try m.method(for: model) } catch {
                        errors.append(SpecError("methods[\(i)]", "'\(text)' does not fit \(model.architecture) of '\(path)': \(error)"))
                    }
                }
                methodSpecs.append(m)
            } catch {
                errors.append(SpecError("methods[\(i)]", "\(error)"))
            }
        }
        check(Set(methodSpecs).count == methodSpecs.count, "methods", "a method is listed twice")

        // Grids.
        check(!learningRates.isEmpty || methods.isEmpty, "learning_rates", "at least one learning rate is needed")
        for (i, lr) in learningRates.enumerated() {
            check(lr > 0 && lr.isFinite, "learning_rates[\(i)]", "\(lr) is not a positive number")
        }
        for (text, rates) in methodLearningRates ?? [:] {
            check(methods.contains(text), "method_learning_rates.\(text)",
                  "'\(text)' is not one of the methods (\(methods.joined(separator: ", ")))")
            check(!rates.isEmpty && rates.allSatisfy { $0 > 0 && $0.isFinite }, "method_learning_rates.\(text)",
                  "needs positive learning rates")
        }
        for (name, values) in hyperparameters ?? [:] {
            check(["lambda", "threshold"].contains(name), "hyperparameters.\(name)",
                  "unknown hyperparameter; expected lambda (l1sp) or threshold (auto-snr)")
            check(!values.isEmpty && values.allSatisfy(\.isFinite), "hyperparameters.\(name)", "needs finite values")
        }
        for (i, n) in (targetSizes ?? []).enumerated() { check(n > 0, "target_sizes[\(i)]", "\(n) is not positive") }
        if let targetSizes { check(!targetSizes.isEmpty, "target_sizes", "empty (omit it for each shift's default)") }
        if let v = validationPerClass { check(v > 0, "validation_per_class", "\(v) is not positive") }
        if let t = testPerClass { check(t > 0, "test_per_class", "\(t) is not positive") }
        if let seeds { check(!seeds.isEmpty, "seeds", "at least one seed is needed") }

        // Training options.
        var options = TrainingOptions()
        if let epochs { check(epochs > 0, "epochs", "\(epochs) is not positive"); options.epochs = epochs }
        if let batchSize { check(batchSize > 0, "batch_size", "\(batchSize) is not positive"); options.batchSize = batchSize }
        if let weightDecay {
            check(weightDecay >= 0 && weightDecay.isFinite, "weight_decay", "\(weightDecay) is not a number ≥ 0")
            options.weightDecay = weightDecay
        }
        if let batchNorm {
            if let p = BatchNormPolicy(rawValue: batchNorm) { options.batchNorm = p } else {
                errors.append(SpecError("batch_norm", "unknown policy '\(batchNorm)'; expected eval or train"))
            }
        }
        if let optimizer {
            if let o = OptimizerKind(rawValue: optimizer) { options.optimizer = o } else {
                errors.append(SpecError("optimizer", "unknown optimizer '\(optimizer)'; expected " +
                                        OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }

        for (field, values) in [("learning_rates", learningRates.map(Double.init)),
                                ("target_sizes", (targetSizes ?? []).map(Double.init)),
                                ("seeds", (seeds ?? []).map(Double.init))] {
            check(Set(values).count == values.count, field, "a value is listed twice")
        }
        check(Set(shifts).count == shifts.count, "shifts", "a shift is listed twice")
        var reusePaths: [String] = []
        for (i, path) in (reuse ?? []).enumerated() {
            let resolved = CheckpointSource.resolve(path, relativeTo: specDirectory)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) || isDirectory.boolValue {
                errors.append(SpecError("reuse[\(i)]", "'\(path)' is not a results database file" +
                                        (specDirectory.map { " (looked in \($0) and the working directory)" } ?? "")))
            } else if !reusePaths.contains(resolved) {
                reusePaths.append(resolved)
            }
        }

        // Test-time adaptation runs on the same checkpoints and shifts, counted before they are
        // built: what the fine-tuning runs leave of the cap.
        let fineTuning = errors.isEmpty ? fineTuningRunCount(shiftPlans: shiftPlans, methods: methodSpecs) : 0
        let remaining = maximumRuns.map { fineTuning > $0 ? -1 : $0 - fineTuning }
        let (adaptations, adaptationCount) = planAdaptation(shiftPlans: shiftPlans, models: models, maximumRuns: remaining,
                                                            errors: &errors)
        if errors.isEmpty, let maximumRuns {
            let count = fineTuning.addingClamped(adaptationCount)
            check(count <= maximumRuns, "", "the grid has \(count == .max ? "more than \(Int.max)" : "\(count)") runs; "
                  + "at most \(maximumRuns) are allowed (raise the cap on runs or shorten a list)")
        }
        guard errors.isEmpty else { throw SpecErrors(source: source, errors: errors) }
        var spec = self
        if let directory = dataDirectory, !directory.hasPrefix("/"), !directory.hasPrefix("~"), let specDirectory {
            spec.dataDirectory = URL(fileURLWithPath: specDirectory).appendingPathComponent(directory).standardized.path
        }
        var plan = spec.expand(shiftPlans: shiftPlans, methods: methodSpecs, options: options, adaptations: adaptations)
        plan.reuse = reusePaths
        return plan
    }
}
