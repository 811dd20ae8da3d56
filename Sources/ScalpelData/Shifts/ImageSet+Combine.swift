import ScalpelEngine

/// Joining image sets and looking up examples by class — the plumbing of shift construction.
extension ImageSet {
    /// The examples of `sets` one after another. All must share one image size; the class count
    /// is the largest of theirs; groups are kept only when every set has them.
    public static func concatenating(_ sets: [ImageSet]) -> ImageSet {
        precondition(!sets.isEmpty, "ImageSet.concatenating: no sets")
        let first = sets[0]
        precondition(sets.allSatisfy { $0.channels == first.channels && $0.height == first.height && $0.width == first.width },
                     "ImageSet.concatenating: image sizes differ")
        let groups: [Int]? = sets.allSatisfy { $0.groups != nil } ? sets.flatMap { $0.groups! } : nil
        // uint8-backed sets with one normalization stay uint8-backed.
        if let stored = first.bytes, sets.allSatisfy({ $0.bytes.map { $0.scale == stored.scale } ?? false }) {
            return ImageSet(bytes: sets.flatMap { $0.bytes!.samples }, scale: stored.scale, labels: sets.flatMap(\.labels),
                            groups: groups, channels: first.channels, height: first.height, width: first.width,
                            classCount: sets.map(\.classCount).max()!)
        }
        return ImageSet(pixels: sets.flatMap(\.pixels), labels: sets.flatMap(\.labels), groups: groups,
                        channels: first.channels, height: first.height, width: first.width,
                        classCount: sets.map(\.classCount).max()!)
    }

    /// The indices of the examples of each label `0..<classCount`, in order.
    public func indicesByLabel() -> [[Int]] {
        var out = [[Int]](repeating: [], count: classCount)
        for (i, y) in labels.enumerated() where y >= 0 && y < classCount { out[y].append(i) }
        return out
    }

    /// The number of examples of each label `0..<classCount`.
    public func labelCounts() -> [Int] { indicesByLabel().map(\.count) }

    /// The number of examples of each group `0..<groupCount` (all zero when there are no groups).
    public func groupCounts(groupCount: Int) -> [Int] {
        var out = [Int](repeating: 0, count: groupCount)
        for g in groups ?? [] where g >= 0 && g < groupCount { out[g] += 1 }
        return out
    }

    /// This set with every label mapped through `map` and the given class count.
    public func relabeled(classCount: Int, _ map: (Int) -> Int) -> ImageSet {
        var out = self
        out.labels = labels.map(map)
        out.classCount = classCount
        return out
    }
}

/// Seeded shuffles with the project's generator.
extension Array {
    /// A Fisher–Yates shuffle driven by `rng`, identical on every platform.
    public func seededShuffle(_ rng: inout RandomGenerator) -> [Element] {
        var a = self
        if a.count > 1 {
            for i in stride(from: a.count - 1, to: 0, by: -1) {
                let j = rng.nextInt(below: i + 1)
                if i != j { a.swapAt(i, j) }
            }
        }
        return a
    }
}
