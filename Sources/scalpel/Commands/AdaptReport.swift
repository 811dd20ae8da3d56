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
    var testImages: Int
    var noAdaptationAccuracy: Double
    var batchNormOnlyAccuracy: Double?
    var memo: MEMOConfiguration?
    var augmixSeverity: Int?
    var batchSize: Int?
    var result: AdaptationResult?
}
