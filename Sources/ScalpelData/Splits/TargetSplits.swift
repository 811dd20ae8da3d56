import ScalpelEngine

/// The labeled target data of a shift, split three ways, disjoint: a few examples to fine-tune
/// on, a held-out validation set for early stopping and hyper-parameter choice, and a test set.
public struct TargetSplits: Sendable {
    /// Examples to fine-tune on.
    public var tune: ImageSet
    /// Held-out examples for early stopping and the choice of learning rate.
    public var validation: ImageSet
    /// Examples to measure test accuracy on.
    public var test: ImageSet

    /// Splits from three sets; their disjointness is not checked here (see `make`).
    public init(tune: ImageSet, validation: ImageSet, test: ImageSet) {
        self.tune = tune
        self.validation = validation
        self.test = test
    }
}

/// How many target examples go to each split, per stratum: per class, or per group for shifts
/// with a spurious attribute (Waterbirds/CelebA style).
public struct SplitSizes: Sendable, Equatable, CustomStringConvertible {
    /// Tuning examples per stratum.
    public var tune: Int
    /// Validation examples per stratum.
    public var validation: Int
    /// Test examples per stratum; `nil` = all that remain.
    public var test: Int?
    /// Stratify by `ImageSet.groups` instead of by label.
    public var byGroup: Bool

    /// Sizes per stratum; `test` nil takes all that remain. Not validated here: `TargetSplits.make`
    /// throws when a stratum is too small.
    public init(tune: Int, validation: Int, test: Int? = nil, byGroup: Bool = false) {
        self.tune = tune
        self.validation = validation
        self.test = test
        self.byGroup = byGroup
    }

    /// CIFAR-10-C in the paper (and the authors' code): 100 per class to tune (1000 images),
    /// 10 per class to validate, the rest to test. Also used for label flips and natural shifts.
    public static let perClass100 = SplitSizes(tune: 100, validation: 10)
    /// Living-17 / Entity-30 in the paper: 50 per class to tune; 10 per class to validate.
    public static let perClass50 = SplitSizes(tune: 50, validation: 10)
    /// Waterbirds / CelebA in the paper: 100 per (label, attribute) group to tune; 10 per group to validate.
    public static let perGroup100 = SplitSizes(tune: 100, validation: 10, byGroup: true)

    /// `N tune / M validation / K test per class` (`rest` when `test` is nil; `group` when by group).
    public var description: String {
        "\(tune) tune / \(validation) validation / \(test.map(String.init) ?? "rest") test per \(byGroup ? "group" : "class")"
    }
}

extension TargetSplits {
    /// Splits `pool` into disjoint tune, validation and test sets, balanced per stratum (class,
    /// or group when `sizes.byGroup`), seeded by `seed`: the same seed gives the same split.
    /// Each stratum is shuffled with its own derived generator, then cut in order; each split is
    /// then shuffled so classes are interleaved. Throws when a stratum is too small.
    public static func make(pool: ImageSet, sizes: SplitSizes, seed: UInt64) throws -> TargetSplits {
        let strata: [[Int]]
        if sizes.byGroup {
            guard let groups = pool.groups else {
                throw DataError(.invalidSpec, file: "target split", "split per group, but the target examples have no groups")
            }
            let count = (groups.max() ?? -1) + 1
            var s = [[Int]](repeating: [], count: count)
            for (i, g) in groups.enumerated() where g >= 0 { s[g].append(i) }
            strata = s
        } else {
            strata = pool.indicesByLabel()
        }
        let unit = sizes.byGroup ? "group" : "class"
        var tune = [Int](), validation = [Int](), test = [Int]()
        for (k, members) in strata.enumerated() where !members.isEmpty || !sizes.byGroup {
            let needed = sizes.tune + sizes.validation + (sizes.test ?? 0)
            guard members.count >= needed else {
                throw DataError(.sizeMismatch, file: "target split",
                                "\(unit) \(k) has \(members.count) target examples; \(sizes) needs \(needed)")
            }
            var rng = RandomGenerator.derived(seed: seed, stream: 1000 + UInt64(k))
            let shuffled = members.seededShuffle(&rng)
            tune += shuffled[0..<sizes.tune]
            validation += shuffled[sizes.tune..<(sizes.tune + sizes.validation)]
            let rest = shuffled[(sizes.tune + sizes.validation)...]
            test += sizes.test.map { rest.prefix($0) } ?? rest
        }
        var rng = RandomGenerator.derived(seed: seed, stream: 999)
        return TargetSplits(tune: pool.subset(tune.seededShuffle(&rng)),
                            validation: pool.subset(validation.seededShuffle(&rng)),
                            test: pool.subset(test.sorted()))
    }
}
