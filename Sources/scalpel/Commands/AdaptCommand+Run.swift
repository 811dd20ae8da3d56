import ArgumentParser
import Foundation
import ScalpelAdaptation
import ScalpelData
import ScalpelEngine
import ScalpelExperiments
import ScalpelNN

/// `scalpel adapt`'s run: the checkpoint and the test images checked against each other, the
/// adaptation with its progress, then the accuracies, the online curve, the JSON report and the
/// database record.
extension AdaptCommand {
    func run() throws {
        let started = Date()
        let settings = try settings()
        let pretrained = try PretrainedModel(path: checkpoint, fallback: model.configuration)
        let net = pretrained.model
        do { _ = try Selection(parsing: tune).parameterNames(in: net) } catch { throw ValidationError("--tune: \(error)") }
        let shiftSpec = try userData.shiftSpec(shift: shift)
        let shift = shiftSpec.description
        let preprocessing = try userData.preprocessing(checkpointMetadata: pretrained.metadata, checkpoint: checkpoint,
                                                       inChannels: pretrained.configuration.inChannels)
        // Your images' labels follow the checkpoint's class names when it records them, as in finetune.
        var names: [String]?
        if case .userData = shiftSpec {
            names = try ShiftData.classNames(recordedIn: pretrained.metadata, file: checkpoint, outputs: pretrained.configuration.classes)
        }
        var data = try shiftSpec.materialize(ShiftOptions(store: DataStore(directory: dataDirectory), seed: splitSeed,
                                                          preprocessing: preprocessing, userData: userData.readOptions))
        if let names { data = try data.mappingLabels(onto: names, model: checkpoint) }
        let test = data.target.test.subset(Array(0..<min(testSize, data.target.test.count)))
        guard data.target.test.classCount == pretrained.configuration.classes else {
            throw ValidationError("--checkpoint \(checkpoint) has \(pretrained.configuration.classes) classes but \(shift) has "
                                  + "\(data.target.test.classCount); the classifier must match the shift's classes")
        }
        guard test.channels == pretrained.configuration.inChannels else {
            throw ValidationError("--checkpoint takes \(pretrained.configuration.inChannels)-channel images but \(shift) has \(test.channels)")
        }
        let interval = every ?? max(1, test.count / 10)
        // Opened (created and migrated) before the long run, so a bad --db fails at once.
        let database = try db.map { path in
            do { return try ResultsDatabase(path: path) } catch {
                throw ValidationError("--db: cannot open the results database '\(path)': \(error)")
            }
        }
        let planned = try db.map { _ in
            PlannedAdaptation(AdaptationConfiguration(
                identity: AdaptationIdentity(checkpointSHA256: try FileHash.sha256(ofFile: checkpoint), architecture: net.architecture,
                                             shift: shiftSpec.description, splitSeed: splitSeed, testSize: testSize,
                                             settings: settings, seed: seed),
                experiment: experiment, checkpointPath: checkpoint, shiftLabel: shift, every: interval))
        }
        print("adapt \(net.architecture) \(checkpoint) to \(shift): \(test.count) test images, \(Engine.threads) threads")

        var lastPrint = Date(), adaptationStarted = Date()
        let outcome = try AdaptationRun.run(net, on: test, settings: settings, seed: seed, every: interval) { event in
            switch event {
            case .baselines(let b):
                print(String(format: "no adaptation: %.2f%%", 100 * b.noAdaptation))
                if let p = b.priorOnly, let n = settings.priorStrength {
                    print(String(format: "BatchNorm prior %g only (no gradient step): %.2f%%", n, 100 * p))
                }
            case .started(let tensors, let parameters):
                adaptationStarted = Date()
                print(startLine(settings, tensors: tensors, parameters: parameters))
            case .progress(let seen, let accuracy):
                if Date().timeIntervalSince(lastPrint) > 15 {
                    lastPrint = Date()
                    let left = ProgressText.timeLeft(elapsed: Date().timeIntervalSince(adaptationStarted), done: seen,
                                                     total: test.count).map { "; about \($0) left" } ?? ""
                    print(String(format: "  … %d/%d images, accuracy so far %.2f%% (%.0f s", seen, test.count, 100 * accuracy,
                                 Date().timeIntervalSince(started)) + left + ")")
                }
            }
        }
        let result = outcome.result
        print(String(format: "adapted: %.2f%% (%+.2f points; %.0f s)", 100 * result.accuracy,
                     100 * (result.accuracy - outcome.baselines.noAdaptation), result.seconds))
        if settings.mode == .online { printCurve(of: outcome) }
        if let json {
            try writeJSONAtomically(AdaptReport(command: (["scalpel"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                                checkpoint: checkpoint, architecture: net.architecture, shift: shift,
                                                settings: settings, splitSeed: splitSeed, seed: seed, key: planned?.key,
                                                outcome: outcome), to: json)
            if json != OutputPath.standardOutput { print("wrote \(json)") }
        }
        if let database, let planned, let db {
            try record(outcome, as: planned, in: database, at: db, model: net, startedAt: started)
        }
    }

    /// The line printed once the adapter is built: the method, what it tunes and its optimizer.
    func startLine(_ settings: AdaptationSettings, tensors: Int, parameters: Int) -> String {
        let o = settings.optimizer
        if settings.method == .memo {
            return "MEMO \(settings.mode.rawValue), tuning \(settings.selection): \(tensors) tensors (\(parameters) parameters), " +
                   "B = \(augmentations), K = \(steps), \(o.kind.rawValue) lr \(o.learningRate)"
        } else {
            return "TENT, BatchNorm affine tensors\(settings.selection == "all" ? "" : " within \(settings.selection)"): " +
                   "\(tensors) tensors, batch \(batchSize), \(o.kind.rawValue) lr \(o.learningRate)"
        }
    }

    /// Prints an online run's curve, a row per point, beside the baselines' accuracies on the
    /// same first images (a hard start of the test set lowers every column).
    func printCurve(of outcome: AdaptationOutcome) {
        let baselines = Dictionary(outcome.baselineCurve.map { ($0.seen, $0) }, uniquingKeysWith: { a, _ in a })
        print("images seen | cumulative accuracy % | accuracy % since previous point | no adaptation % | prior only %")
        for p in outcome.result.curve {
            let b = baselines[p.seen]
            let plain = b.map { String(format: "%.2f", 100 * $0.noAdaptation) } ?? "–"
            let prior = b?.priorOnly.map { String(format: "%.2f", 100 * $0) } ?? "–"
            print(String(format: "%11d | %21.2f | %31.2f | ", p.seen, 100 * p.cumulativeAccuracy, 100 * p.windowAccuracy) +
                  String(repeating: " ", count: max(0, 15 - plain.count)) + plain + " | " + prior)
        }
    }

    /// Records the run, its curve and its model in the results database at `path` (one
    /// transaction) and prints whether it replaced a run of the same identity.
    func record(_ outcome: AdaptationOutcome, as planned: PlannedAdaptation, in database: ResultsDatabase, at path: String,
                model net: BlockModel, startedAt started: Date) throws {
        let record = AdaptationRunRecord(planned: planned, outcome: outcome, startedAt: started, toolCommit: ToolVersion.commit)
        let replaced = try database.record(record, curve: AdaptationCurveRow.rows(runKey: planned.key, outcome: outcome),
                                           model: ModelRecord(checkpointSHA256: planned.identity.checkpointSHA256,
                                                              checkpoint: checkpoint, model: net))
        print(replaced ? "replaced the run of the same identity in \(path) (key \(planned.key.prefix(12)))"
                       : "recorded in \(path) (key \(planned.key.prefix(12)))")
    }
}
