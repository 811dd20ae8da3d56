import ScalpelData
import ScalpelEngine
import ScalpelNN

/// What one adaptation run measured.
public struct AdaptationOutcome: Sendable, Codable {
    /// Accuracy without adaptation (and with the prior alone for MEMO), measured before adapting.
    public var baselines: AdaptationBaselines
    /// Predictions, accuracy, the cumulative-accuracy curve, mean loss and seconds of adapting.
    public var result: AdaptationResult
    /// Tensors and parameter elements that adapted.
    public var trainableTensors: Int
    /// Total number of parameter elements in those tensors.
    public var trainableParameters: Int
    /// The baselines' cumulative accuracy at the points of `result.curve` (on the same images);
    /// empty when the baselines carry no predictions.
    public var baselineCurve: [BaselinePoint]

    /// An outcome from its parts; `baselineCurve` defaults to empty.
    public init(baselines: AdaptationBaselines, result: AdaptationResult, trainableTensors: Int, trainableParameters: Int,
                baselineCurve: [BaselinePoint] = []) {
        self.baselines = baselines
        self.result = result
        self.trainableTensors = trainableTensors
        self.trainableParameters = trainableParameters
        self.baselineCurve = baselineCurve
    }
}

/// What a run reports while it goes, for progress output.
public enum AdaptationEvent: Sendable {
    /// The baselines are known.
    case baselines(AdaptationBaselines)
    /// The adapter is built: it trains `tensors` tensors holding `parameters` elements.
    case started(tensors: Int, parameters: Int)
    /// `seen` test images adapted on and predicted; cumulative accuracy so far.
    case progress(seen: Int, accuracy: Double)
}

/// One test-time adaptation run, as `scalpel adapt` and a sweep's `adaptation:` runs do it:
/// baselines, then MEMO or TENT over the test images in order.
public enum AdaptationRun {
    /// Adapts `model` (its current state is θ⁰; it is changed) to `test` with `settings`.
    /// `seed` drives MEMO's augmentations (TENT is deterministic); a curve point every `every`
    /// images. Pass `baselines` when already measured for this model, test set and prior.
    public static func run(_ model: BlockModel, on test: ImageSet, settings: AdaptationSettings, seed: UInt64,
                           every: Int, baselines known: AdaptationBaselines? = nil,
                           events: ((AdaptationEvent) -> Void)? = nil) throws -> AdaptationOutcome {
        if let problem = settings.problems.first { throw AdaptationError.invalidSetting(problem.setting, problem.message) }
        guard test.count > 0 else { throw AdaptationError.emptyTestSet }
        let selected = try Selection(parsing: settings.selection).parameterNames(in: model)
        let baselines = known ?? AdaptationBaselines.measure(model, on: test, settings: settings)
        events?(.baselines(baselines))
        let sizes = Dictionary(model.namedParameters().map { ($0.0, $0.1.count) }, uniquingKeysWith: { a, _ in a })
        func started(_ names: Set<String>) {
            events?(.started(tensors: names.count, parameters: names.reduce(0) { $0 + (sizes[$1] ?? 0) }))
        }
        let progress: (Int, Double) -> Void = { events?(.progress(seen: $0, accuracy: $1)) }
        let result: AdaptationResult
        let trained: Set<String>
        switch settings.method {
        case .memo:
            let configuration = MEMOConfiguration(augmentations: settings.augmentations ?? 32, steps: settings.steps ?? 1,
                                                  optimizer: settings.optimizer, priorStrength: settings.priorStrength,
                                                  mode: settings.mode,
                                                  priorCounts: settings.priorCounts ?? .augmentedBatchAsOneImage)
            let memo = try MEMO(model: model, selection: selected, configuration: configuration,
                                augmentation: MEMO.augmentation(severity: settings.augmixSeverity ?? 3), seed: seed)
            trained = memo.selection
            started(trained)
            result = try memo.run(test, every: every, progress: progress)
        case .tent:
            let tent = try TENT(model: model, within: selected, optimizer: settings.optimizer)
            trained = tent.selection
            started(trained)
            result = try tent.run(test, batchSize: settings.batchSize ?? 64, every: every, progress: progress)
        }
        return AdaptationOutcome(baselines: baselines, result: result, trainableTensors: trained.count,
                                 trainableParameters: trained.reduce(0) { $0 + (sizes[$1] ?? 0) },
                                 baselineCurve: baselines.curve(at: result.curve.map(\.seen), labels: test.labels))
    }
}
