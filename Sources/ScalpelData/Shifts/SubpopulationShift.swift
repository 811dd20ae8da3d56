/// Building a subpopulation shift from a labeled train/test pair.
public enum SubpopulationShift {
    /// The three sets of a subpopulation shift, labeled by superclass index.
    public struct Sets: Sendable {
        /// Source subclasses of `train`.
        public var sourceTrain: ImageSet
        /// Source subclasses of `test`.
        public var sourceTest: ImageSet
        /// Target subclasses of `test`: the pool the target splits are drawn from.
        public var targetPool: ImageSet
    }

    /// Relabels by superclass and keeps source subclasses for the source sets and target
    /// subclasses for the target pool (held-out `test` images only, so no target image is ever
    /// a source image). Halves of a class are cut at the median attribute of `train`'s images.
    public static func make(train: ImageSet, test: ImageSet, grouping: SubpopulationGrouping) -> Sets {
        let thresholds = halfThresholds(train, grouping: grouping)
        func select(_ set: ImageSet, target: Bool) -> ImageSet {
            var indices = [Int](), labels = [Int]()
            for i in 0..<set.count {
                let y = set.labels[i]
                var attribute: Float?
                for (k, s) in grouping.superclasses.enumerated() {
                    for sub in (target ? s.target : s.source) where sub.label == y {
                        if let half = sub.half {
                            let a = attribute ?? topQuarterMean(set, i)
                            attribute = a
                            guard (a > thresholds[y]!) == (half == .a) else { continue }
                        }
                        indices.append(i)
                        labels.append(k)
                    }
                }
            }
            var out = set.subset(indices)
            out.labels = labels
            out.classCount = grouping.superclasses.count
            return out
        }
        return Sets(sourceTrain: select(train, target: false), sourceTest: select(test, target: false),
                    targetPool: select(test, target: true))
    }

    /// The mean intensity of the top quarter of image `i`, over all channels: the attribute
    /// that splits a class into halves.
    public static func topQuarterMean(_ set: ImageSet, _ i: Int) -> Float {
        let rows = max(1, set.height / 4)
        var sum: Float = 0
        let base = i * set.imageSize
        for c in 0..<set.channels {
            for y in 0..<rows {
                for x in 0..<set.width { sum += set.pixels[base + (c * set.height + y) * set.width + x] }
            }
        }
        return sum / Float(rows * set.width * set.channels)
    }

    /// The median attribute over `train`'s images of each class that the grouping halves.
    static func halfThresholds(_ train: ImageSet, grouping: SubpopulationGrouping) -> [Int: Float] {
        let halved = Set(grouping.superclasses.flatMap { $0.source + $0.target }.filter { $0.half != nil }.map(\.label))
        var out = [Int: Float]()
        let byLabel = train.indicesByLabel()
        for y in halved where y < byLabel.count {
            let values = byLabel[y].map { topQuarterMean(train, $0) }.sorted()
            out[y] = values.isEmpty ? 0 : values[(values.count - 1) / 2]
        }
        return out
    }
}
