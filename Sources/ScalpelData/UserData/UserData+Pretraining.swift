import ScalpelEngine

extension UserData {
    /// Training and held-out test sets for pre-training on this data: a split folder's `train`
    /// and its `test` (or `val`); otherwise a seeded per-class split holding out `heldOut` of each
    /// class (at least one image) for testing.
    public func trainAndTest(heldOut: Double = 0.1, seed: UInt64 = 0) throws -> (train: ImageSet, test: ImageSet, classNames: [String]) {
        if let train = splits[.train] {
            guard let test = splits[.test] ?? splits[.validation] else {
                throw DataError(.invalidSpec, file: "split folder", "train/ without test/ or val/")
            }
            return (train.images, test.images, train.classNames)
        }
        guard let all else { throw DataError(.invalidSpec, file: "user data", "no images") }
        var trainIndices = [Int](), testIndices = [Int]()
        for (label, members) in all.images.indicesByLabel().enumerated() where !members.isEmpty {
            guard members.count >= 2 else {
                throw DataError(.sizeMismatch, file: "user data", "class \(all.classNames[label]) has 1 image; " +
                                "a train/test split needs 2 or more")
            }
            var rng = RandomGenerator.derived(seed: seed, stream: 2000 + UInt64(label))
            let shuffled = members.seededShuffle(&rng)
            let cut = min(members.count - 1, max(1, Int(Double(members.count) * heldOut)))
            testIndices += shuffled.prefix(cut)
            trainIndices += shuffled.dropFirst(cut)
        }
        var rng = RandomGenerator.derived(seed: seed, stream: 1999)
        return (all.images.subset(trainIndices.seededShuffle(&rng)), all.images.subset(testIndices.sorted()), all.classNames)
    }
}
