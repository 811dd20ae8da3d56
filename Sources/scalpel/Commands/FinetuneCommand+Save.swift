import ArgumentParser
import Foundation
import ScalpelData
import ScalpelNN
import ScalpelTuning

/// `finetune --save-patch` and `--save`: the first seed's chosen run, written to a file.
extension FinetuneCommand {
    /// Puts the session's model in the state of `chosen` (the best epoch of its run) and returns
    /// the run that produced it. Runs are deterministic, so the grid point is rerun; Cross-Val and
    /// successive halving rerun the chosen block's surgical run (the same arithmetic as their
    /// candidate's). When the study made exactly one run of a method that is one `FineTuner` run,
    /// the model already holds that run's best state (`FineTuner.run` leaves it there) and
    /// nothing is rerun.
    func restoreChosenState(_ chosen: RunResult, studyRuns: Int, spec: MethodSpec, session: TuningSession,
                            flag: String, path: String) throws -> RunResult {
        if studyRuns == 1 && !spec.choosesBlock { return chosen }
        let point = GridPoint(learningRate: chosen.learningRate, hyperparameter: chosen.hyperparameter, seed: chosen.seed)
        let rerun: RunResult
        if spec.choosesBlock {
            let model = session.model
            guard let block = model.blocks.first(where: { $0.name == chosen.selection }) else {
                throw ValidationError("\(flag): the chosen block '\(chosen.selection ?? "?")' is not a block of the model")
            }
            let names = Set(model.namedParameters().map(\.0).filter { block.contains($0) })
            rerun = session.tuner.run(selection: names, learningRate: point.learningRate, seed: point.seed,
                                      data: session.data(forTraining: names))
        } else {
            rerun = try spec.method(for: session.model).run(at: point, in: session)
        }
        guard rerun.status == .done else {
            throw ValidationError("\(flag): the chosen run diverged when rerun; nothing written to \(path)")
        }
        return rerun
    }

    /// Saves the first seed's chosen run as a patch against the checkpoint.
    func saveChosenPatch(_ chosen: RunResult, studyRuns: Int, spec: MethodSpec, session: TuningSession,
                         to path: String) throws {
        let rerun = try restoreChosenState(chosen, studyRuns: studyRuns, spec: spec, session: session,
                                           flag: "--save-patch", path: path)
        let accuracy = rerun.test?.accuracy ?? .nan
        try Patch.create(model: session.model, baseCheckpointPath: checkpoint,
                         selection: try chosen.selection.map(Selection.init(parsing:)), method: spec,
                         hyperparameters: ["lr": "\(chosen.learningRate)", "seed": "\(chosen.seed)",
                                           "epoch": "\(chosen.bestEpoch ?? 0)"],
                         metrics: ["test_accuracy": accuracy], to: path)
        print(String(format: "wrote patch %@ (seed %llu, lr %g, epoch %d; test %.2f%%)", path, chosen.seed,
                     Double(chosen.learningRate), chosen.bestEpoch ?? 0, 100 * accuracy))
    }

    /// Saves the first seed's chosen run as a whole safetensors checkpoint (temporary file, then
    /// rename). Its metadata rebuilds the model (architecture, sizes, classes: the new head's with
    /// `--new-head`), feeds it as the run was fed (the preprocessing) and, for your own data,
    /// records the class names in label order, so a later `finetune --target` maps folders by name.
    func saveChosenModel(_ result: StudyResult, spec: MethodSpec, session: TuningSession, data: ShiftData,
                         preprocessing: Preprocessing, pretrained: PretrainedModel, to path: String) throws {
        guard let chosen = result.chosenRuns.first else {
            print("no checkpoint written to \(path): every run of the first seed diverged")
            return
        }
        let rerun = try restoreChosenState(chosen, studyRuns: result.runs.count, spec: spec, session: session,
                                           flag: "--save", path: path)
        let c = pretrained.configuration
        var metadata = pretrained.metadata.filter { $0.key.hasPrefix("scalpel.") }
        if case .userData = data.spec {
            var recorded = preprocessing
            recorded.channels = recorded.channels ?? c.inChannels
            metadata.merge(recorded.metadata) { $1 }
            if newHead != nil || metadata["scalpel.class_names"] == nil {
                metadata["scalpel.class_names"] = String(decoding: try JSONEncoder().encode(data.classNames), as: UTF8.self)
            }
        }
        let command = (["scalpel"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        metadata.merge([
            "scalpel.architecture": c.architecture, "scalpel.width": "\(c.width)",
            "scalpel.in_channels": "\(c.inChannels)", "scalpel.classes": "\(newHead ?? c.classes)",
            "scalpel.image_size": "\(c.imageSize)", "scalpel.base_checkpoint": checkpoint,
            "scalpel.finetune_method": spec.description, "scalpel.finetune_lr": String(format: "%g", Double(chosen.learningRate)),
            "scalpel.finetune_seed": "\(chosen.seed)", "scalpel.finetune_epoch": "\(chosen.bestEpoch ?? 0)",
            "scalpel.target_test_accuracy": String(format: "%.4f", rerun.test?.accuracy ?? .nan),
            "scalpel.command": command,
        ]) { $1 }
        try Checkpoint.save(session.model, to: path, metadata: metadata)
        print(String(format: "wrote %@ (seed %llu, lr %g, epoch %d; test %.2f%%)", path, chosen.seed,
                     Double(chosen.learningRate), chosen.bestEpoch ?? 0, 100 * (rerun.test?.accuracy ?? .nan)))
    }
}
