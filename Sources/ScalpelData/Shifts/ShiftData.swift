/// A materialized distribution shift: source data to pre-train on and evaluate, and the
/// labeled target data split for surgical fine-tuning.
public struct ShiftData: Sendable {
    /// Source training and test sets.
    public var source: (train: ImageSet, test: ImageSet)
    /// Target tune / validation / test splits.
    public var target: TargetSplits
    /// The shift this data was built from.
    public var spec: ShiftSpec
    /// One paragraph on what the source and target are.
    public var description: String
    /// The names of the target labels (superclass lists for subpopulation shifts; reversed for
    /// the label flip, where target label y is original class K − 1 − y).
    public var classNames: [String]
    /// The number of (label, attribute) groups when examples carry groups (4 for spurious shifts).
    public var groupCount: Int?

    /// Shift data from its parts, unchecked.
    public init(source: (train: ImageSet, test: ImageSet), target: TargetSplits, spec: ShiftSpec,
                description: String, classNames: [String], groupCount: Int? = nil) {
        self.source = source
        self.target = target
        self.spec = spec
        self.description = description
        self.classNames = classNames
        self.groupCount = groupCount
    }
}

/// What `ShiftSpec.materialize` needs besides the spec.
public struct ShiftOptions: Sendable {
    /// Where the data sets are.
    public var store: DataStore
    /// Seeds the target split (the source data and corruption noise are fixed, independent of it).
    public var seed: UInt64
    /// Target split sizes; `nil` = the paper's default for the shift's kind (``ShiftSpec/defaultSplitSizes``).
    public var splitSizes: SplitSizes?
    /// How the user's images become model inputs (for `data:` shifts).
    public var preprocessing: Preprocessing
    /// Limits and bad-image handling when reading the user's files (for `data:` shifts).
    public var userData: UserDataOptions

    /// Options; by default the default data store, seed 0, the shift's default split sizes, default
    /// preprocessing and default user-data limits.
    public init(store: DataStore = DataStore(), seed: UInt64 = 0, splitSizes: SplitSizes? = nil,
                preprocessing: Preprocessing = Preprocessing(), userData: UserDataOptions = UserDataOptions()) {
        self.store = store
        self.seed = seed
        self.splitSizes = splitSizes
        self.preprocessing = preprocessing
        self.userData = userData
    }
}
