import ScalpelAdaptation

/// What `scalpel adapt --json` writes.
struct AdaptReport: Encodable {
    var command: String
    var checkpoint: String
    var architecture: String
    var shift: String
    var method: String
    var mode: String
    var selection: String
    var optimizer: AdaptationOptimizer
    /// Every setting of the run (method, mode, selection, optimizer, B, K, severity, prior, batch size).
    var settings: AdaptationSettings
    var splitSeed: UInt64
    var seed: UInt64
    /// The run's key in a results database (with --db).
    var key: String?
    var testImages: Int
    var noAdaptationAccuracy: Double
    var batchNormOnlyAccuracy: Double?
    var trainableTensors: Int
    var trainableParameters: Int
    var result: AdaptationResult
    /// The baselines' cumulative accuracy at the curve's points, on the same images.
    var baselineCurve: [BaselinePoint]

    init(command: String, checkpoint: String, architecture: String, shift: String, settings: AdaptationSettings,
         splitSeed: UInt64, seed: UInt64, key: String?, outcome: AdaptationOutcome) {
        self.command = command
        self.checkpoint = checkpoint
        self.architecture = architecture
        self.shift = shift
        method = settings.method.rawValue
        mode = settings.mode.rawValue
        selection = settings.selection
        optimizer = settings.optimizer
        self.settings = settings
        self.splitSeed = splitSeed
        self.seed = seed
        self.key = key
        testImages = outcome.result.predictions.count
        noAdaptationAccuracy = outcome.baselines.noAdaptation
        batchNormOnlyAccuracy = outcome.baselines.priorOnly
        trainableTensors = outcome.trainableTensors
        trainableParameters = outcome.trainableParameters
        result = outcome.result
        baselineCurve = outcome.baselineCurve
    }
}
