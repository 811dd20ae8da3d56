import ScalpelData
import ScalpelEngine
import ScalpelNN

/// Predictions made one test image at a time, without any gradient step: the baseline that
/// isolates what BatchNorm's test-time normalization alone does (with `.prior(N)` every image
/// is normalized with its own statistics mixed into the running ones, as MEMO predicts).
/// The model's modes are restored afterwards.
public func predictOneByOne(_ model: BlockModel, on set: ImageSet, normalization: TestTimeNormalization) -> [Int] {
    predictInBatches(model, on: set, normalization: normalization, batchSize: 1)
}

/// Predictions on batches of `batchSize` images without any gradient step, BatchNorm following
/// `normalization` (`.running`: evaluation mode, as `evaluate` predicts). The model's modes
/// are restored afterwards.
public func predictInBatches(_ model: BlockModel, on set: ImageSet, normalization: TestTimeNormalization,
                             batchSize: Int = 500) -> [Int] {
    model.withModesRestored {
        model.setTestTimeNormalization(normalization)
        return withNoGrad {
            stride(from: 0, to: set.count, by: max(batchSize, 1)).flatMap { start in
                model(set.batch(Array(start..<min(set.count, start + batchSize)))).argmax(axis: 1)
            }
        }
    }
}
