import Foundation
import ScalpelNN

/// The paper's protocol for one method on one target: every learning rate (and value of the
/// method's hyperparameter) for every seed; for each seed the grid point whose run reached the
/// best target validation accuracy (at its best epoch) is chosen, and its test accuracy at that
/// epoch is the seed's result; results are reported as mean ± standard error over seeds.
///
/// Diverged runs (loss NaN or infinite) are kept in `runs` with their status and never chosen.
/// Ties in validation accuracy go to the earlier grid point (learning rates in the given order).
public struct MethodStudy {
    /// The method studied.
    public let method: MethodSpec
    /// The learning rates of the grid, in the order they run (ties go to the earlier one).
    public let learningRates: [Float]
    /// Values of the method's hyperparameter; empty when it has none.
    public let hyperparameters: [Double]
    /// The seeds; every grid point runs once per seed.
    public let seeds: [UInt64]

    /// A study; `hyperparameters` defaults to the method's default grid and is ignored for methods
    /// without a hyperparameter. Nothing is validated until `run` resolves the method.
    public init(method: MethodSpec, learningRates: [Float], hyperparameters: [Double]? = nil, seeds: [UInt64]) {
        self.method = method
        self.learningRates = learningRates
        self.hyperparameters = method.hyperparameterName == nil ? [] : (hyperparameters ?? method.defaultHyperparameters)
        self.seeds = seeds
    }

    /// Every grid point of one seed, in order.
    public func points(seed: UInt64) -> [GridPoint] {
        let hs: [Double?] = hyperparameters.isEmpty ? [nil] : hyperparameters.map { $0 }
        return learningRates.flatMap { lr in hs.map { GridPoint(learningRate: lr, hyperparameter: $0, seed: seed) } }
    }

    /// Runs the whole grid; `progress` hears about each finished run (done, total, result).
    public func run(in session: TuningSession,
                    progress: (Int, Int, RunResult) -> Void = { _, _, _ in }) throws -> StudyResult {
        let started = Date()
        let implementation = try method.method(for: session.model)
        let total = seeds.count * points(seed: 0).count
        var runs: [RunResult] = []
        for seed in seeds {
            for point in points(seed: seed) {
                var result = implementation.run(at: point, in: session)
                result.method = method.description
                runs.append(result)
                progress(runs.count, total, result)
            }
        }
        let trainable = session.tuner.trained(implementation.candidates(in: session.model))
        let count = session.model.namedParameters().filter { trainable.contains($0.0) }.reduce(0) { $0 + $1.1.count }
        var result = StudyResult(method: method.description, runs: runs, seeds: seeds, trainableParameters: count,
                                 seconds: Date().timeIntervalSince(started))
        result.alwaysTrained = session.tuner.alwaysTrained.sorted()
        return result
    }
}

/// Every run of a `MethodStudy` and what the protocol makes of them.
public struct StudyResult: Codable, Sendable {
    /// The method's text (`MethodSpec.description`).
    public var method: String
    /// Every run, diverged ones included, seed by seed in grid order.
    public var runs: [RunResult]
    /// The seeds of the study, in order.
    public var seeds: [UInt64]
    /// Parameter elements the method may train (with the tuner's `alwaysTrained`).
    public var trainableParameters: Int
    /// Parameters every run trained besides the method's selection (`FineTuner.alwaysTrained`,
    /// e.g. a new head); nil or empty when none.
    public var alwaysTrained: [String]?
    /// Wall-clock seconds of the whole study.
    public var seconds: Double

    /// A result from its parts; `alwaysTrained` starts nil.
    public init(method: String, runs: [RunResult], seeds: [UInt64], trainableParameters: Int, seconds: Double) {
        self.method = method
        self.runs = runs
        self.seeds = seeds
        self.trainableParameters = trainableParameters
        self.seconds = seconds
    }

    /// The run chosen for `seed` by validation accuracy; nil when every run diverged.
    public func chosen(seed: UInt64) -> RunResult? { Self.choose(runs.filter { $0.seed == seed }) }

    /// The chosen run of each seed that has one, in seed order.
    public var chosenRuns: [RunResult] { seeds.compactMap(chosen(seed:)) }

    /// Test accuracy over seeds at the chosen points.
    public var testAccuracy: Summary? { Summary(chosenRuns.compactMap { $0.test?.accuracy }) }

    /// Worst-group test accuracy over seeds (shifts with groups).
    public var worstGroupAccuracy: Summary? { Summary(chosenRuns.compactMap { $0.test?.worstGroupAccuracy }) }

    /// The protocol's choice among runs: the best validation accuracy of a finished run, the
    /// first one on ties.
    public static func choose(_ runs: [RunResult]) -> RunResult? {
        var best: RunResult? = nil
        for r in runs where r.status == .done {
            guard let v = r.bestValidationAccuracy else { continue }
            if best == nil || v > best!.bestValidationAccuracy! { best = r }
        }
        return best
    }
}
