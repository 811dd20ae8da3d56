import Foundation

extension ShiftSpec {
    /// The paper's target split sizes for this kind of shift: 100 tune / 10 validation per class
    /// (CIFAR-10-C; also label flips and the natural shift), 50 per class for subpopulation shifts
    /// (Living-17 / Entity-30), 100 per group for spurious shifts (Waterbirds / CelebA).
    public var defaultSplitSizes: SplitSizes {
        switch self {
        case .subpopulation: .perClass50
        case .spurious: .perGroup100
        default: .perClass100
        }
    }

    /// Loads (see `DataStore.requireInstalled`) and builds the source sets and target splits of this shift.
    public func materialize(_ options: ShiftOptions = ShiftOptions()) throws -> ShiftData {
        if case .userData(let shift) = self { return try shift.materialize(options, spec: self) }
        let store = options.store
        let sizes = options.splitSizes ?? defaultSplitSizes
        let source: (train: ImageSet, test: ImageSet)
        let pool: ImageSet
        var classNames = ClassNames.fashionMNIST
        var groupCount: Int?
        var what: String
        switch self {
        case let .corruption(base, name, severity):
            let (train, test, baseName) = try Self.load(base, store: store)
            source = (train, test)
            Shell.log("corrupting \(test.count) images with \(name) at severity \(severity)")
            pool = try CorruptionShift.corrupt(test, name: name, severity: severity)
            if base == .mnist5k { classNames = ClassNames.digits }
            what = "Input-level shift. Source: \(baseName). Target: the \(test.count) source test images " +
                "corrupted by \(name) at severity \(severity) (fixed noise seed)."
        case let .cifar10C(directory, name, severity):
            let batches = directory + "/cifar-10-batches-bin"
            guard FileManager.default.fileExists(atPath: batches + "/test_batch.bin") else {
                throw DataError(.io, file: batches, "the CIFAR-10 source needs the binary batches (data_batch_1.bin … " +
                                "data_batch_5.bin, test_batch.bin) in this directory; they are not fetched automatically")
            }
            source = (try CIFAR10.load(directory: batches, train: true), try CIFAR10.load(directory: batches, train: false))
            pool = try CIFAR10C.load(directory: directory, corruption: name, severity: severity)
            classNames = CIFAR10.classNames
            what = "Input-level shift. Source: CIFAR-10 (\(source.train.count) train / \(source.test.count) test). " +
                "Target: CIFAR-10-C \(name) at severity \(severity) (\(pool.count) images from \(directory))."
        case let .subpopulation(base, grouping):
            let (train, test, baseName) = try Self.load(base, store: store)
            let sets = SubpopulationShift.make(train: train, test: test, grouping: grouping)
            source = (sets.sourceTrain, sets.sourceTest)
            pool = sets.targetPool
            classNames = grouping.names(base == .fashionMNIST ? ClassNames.fashionMNIST : ClassNames.digits)
            what = "Feature-level (subpopulation) shift on \(baseName): \(grouping.superclasses.count) superclasses, " +
                "source subclasses → disjoint target subclasses: " + classNames.joined(separator: "; ") +
                ". Labels are superclass indices; the target pool is the held-out test images of the target subclasses."
        case .labelFlip:
            let (train, test, baseName) = try Self.load(.fashionMNIST, store: store)
            source = (train, test)
            pool = test.relabeled(classCount: test.classCount) { test.classCount - 1 - $0 }
            classNames = classNames.reversed()
            what = "Output-level shift. Source: \(baseName). Target: the source test images with labels flipped y → 9 − y."
        case let .spurious(config):
            let (train, test, _) = try Self.load(.fashionMNIST, store: store)
            let sets = SpuriousShift.make(train: train, test: test, config: config)
            source = (sets.sourceTrain, sets.sourceTest)
            pool = sets.targetPool
            classNames = config.classes.map { $0.map { ClassNames.fashionMNIST[$0] }.joined(separator: "+") }
            groupCount = 4
            what = "Output-level (spurious correlation) shift on Fashion-MNIST: label 0 = \(classNames[0]), label 1 = " +
                "\(classNames[1]); a \(config.attribute.rawValue) attribute agrees with the label in \(config.p) of the " +
                "source images; the target has the 4 (label, attribute) groups balanced; group = label·2 + attribute."
        case .userData:
            preconditionFailure("materialized above")
        case .mnistToDigits:
            let all = try store.loadMNIST5k()
            source = SourceSplits.mnist5k(all)
            Shell.log("redrawing the UCI digits at 28×28, MNIST style")
            pool = try store.loadUCIDigits().map(height: 28, width: 28) { $0.mnistStyle() }
            classNames = ClassNames.digits
            what = "Natural shift. Source: MNIST-5k (\(source.train.count) train / \(source.test.count) test). " +
                "Target: the \(pool.count) UCI optical digits (8×8, 0…16), scaled into a 20×20 box and centred by " +
                "mass in 28×28 like MNIST."
        }
        let target = try TargetSplits.make(pool: pool, sizes: sizes, seed: options.seed)
        what += " Target split (seed \(options.seed)): \(sizes): \(target.tune.count) tune, " +
            "\(target.validation.count) validation, \(target.test.count) test."
        return ShiftData(source: source, target: target, spec: self, description: what, classNames: classNames,
                         groupCount: groupCount)
    }

    /// The source train/test sets of a base data set, and a description of them.
    static func load(_ base: Base, store: DataStore) throws -> (ImageSet, ImageSet, String) {
        switch base {
        case .fashionMNIST:
            let train = try store.loadFashionMNIST(train: true), test = try store.loadFashionMNIST(train: false)
            return (train, test, "Fashion-MNIST (\(train.count) train / \(test.count) test)")
        case .mnist5k:
            let (train, test) = SourceSplits.mnist5k(try store.loadMNIST5k())
            return (train, test, "MNIST-5k (\(train.count) train / \(test.count) test, a fixed per-digit split)")
        }
    }
}
