import ScalpelData
import ScalpelEngine
import ScalpelNN

/// Predictions made one test image at a time, without any gradient step: the baseline that
/// isolates what BatchNorm's test-time normalization alone does (with `.prior(N)` every image
/// is normalized with its own statistics mixed into the running ones, as MEMO predicts).
/// The model's modes are restored afterwards.
public func predictOneByOne(_ model: BlockModel, on set: ImageSet, normalization: TestTimeNormalization) -> [Int] {
    let modes = model.namedModules().map { ($0.1, $0.1.isTraining, ($0.1 as? BatchNorm2d)?.testTimePrior) }
    defer {
        for (m, training, prior) in modes {
            m.isTraining = training
            (m as? BatchNorm2d)?.testTimePrior = prior
        }
    }
    model.setTestTimeNormalization(normalization)
    return withNoGrad {
        (0..<set.count).map { model(set.batch([$0])).argmax(axis: 1)[0] }
    }
}
