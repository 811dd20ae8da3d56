/// Invalid test-time adaptation settings, each naming what is wrong.
public enum AdaptationError: Error, CustomStringConvertible, Equatable {
    /// A count that must be positive was not (`augmentations`, `steps`, `batch size`, …).
    case notPositive(String, Int)
    /// The selection picks no parameter that the method may train.
    case nothingToTrain(String)
    /// The test set is empty.
    case emptyTestSet
    /// A setting out of its range, named as in a sweep specification (`augmix_severity`, …).
    case invalidSetting(String, String)

    /// A one-line message naming the setting or count at fault.
    public var description: String {
        switch self {
        case let .notPositive(what, value): "\(what) must be positive, got \(value)"
        case let .nothingToTrain(why): why
        case .emptyTestSet: "the test set is empty"
        case let .invalidSetting(setting, why): "\(setting) \(why)"
        }
    }
}

/// Episodic: every test image starts from the pre-trained state. Online: updates accumulate.
public enum AdaptationMode: String, Sendable, Codable, CaseIterable {
    case episodic, online
}
