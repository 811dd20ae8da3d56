import ScalpelEngine

/// The synthetic attribute of a spurious-correlation shift, drawn into the image.
public enum SpuriousAttribute: String, Sendable, CaseIterable {
    /// A background texture (the Waterbirds "land vs water" background): attribute 0 draws
    /// horizontal stripes, attribute 1 vertical stripes (2 pixels on, 2 off, intensity 0.35),
    /// only on dark background pixels (below 0.1), so the object is untouched.
    case stripes
    /// A 4×4 white square in the top-left corner (attribute 0) or the top-right corner (attribute 1).
    case corner

    /// Draws attribute `value` (0 or 1) into `image` (in place).
    public func draw(_ value: Int, into image: inout Image) {
        let (c, h, w) = (image.channels, image.height, image.width)
        image.pixels.withUnsafeMutableBufferPointer { draw(value, into: $0, offset: 0, channels: c, height: h, width: w) }
    }

    /// Draws attribute `value` into the CHW image starting at `offset` of `buffer`.
    func draw(_ value: Int, into buffer: UnsafeMutableBufferPointer<Float>, offset: Int,
              channels: Int, height: Int, width: Int) {
        switch self {
        case .stripes:
            for c in 0..<channels {
                for y in 0..<height {
                    let row = offset + (c * height + y) * width
                    for x in 0..<width where (value == 0 ? y : x) % 4 < 2 && buffer[row + x] < 0.1 {
                        buffer[row + x] = 0.35
                    }
                }
            }
        case .corner:
            let side = max(2, width / 7)
            let x0 = value == 0 ? 0 : width - side
            for c in 0..<channels {
                for y in 0..<side { for x in x0..<(x0 + side) { buffer[offset + (c * height + y) * width + x] = 1 } }
            }
        }
    }
}

/// A Waterbirds/CelebA-style task built from Fashion-MNIST: a binary label (each side a set of
/// original classes) and a synthetic attribute; in the source the attribute agrees with the
/// label in a fraction `p` of the images, in the target the four (label, attribute) groups are
/// balanced. Every example carries `group = label · 2 + attribute`.
public struct SpuriousConfig: Sendable, Equatable, CustomStringConvertible {
    /// The fraction of source images whose attribute equals their label (Waterbirds: 0.95).
    public var p: Double
    /// The synthetic attribute drawn into every image (default `stripes`).
    public var attribute: SpuriousAttribute
    /// The original classes of label 0 and of label 1. Default: {Pullover, Coat} vs
    /// {T-shirt/top, Shirt}, 12000 training images each: balanced, and hard enough
    /// (Shirt is Fashion-MNIST's most confused class) that the attribute is a tempting shortcut.
    public var classes: [[Int]]

    /// {Pullover, Coat} for label 0 and {T-shirt/top, Shirt} for label 1.
    public static let defaultClasses = [[2, 4], [0, 6]]

    /// A configuration from its fields (defaults p = 0.95, stripes, `defaultClasses`); unlike
    /// `init(parsing:)` it does not check them.
    public init(p: Double = 0.95, attribute: SpuriousAttribute = .stripes, classes: [[Int]] = defaultClasses) {
        self.p = p
        self.attribute = attribute
        self.classes = classes
    }

    /// Parses the arguments after `fmnist-spurious:` — in any order, each optional: a number
    /// (`p`), an attribute name, and `a,b|c,d` (the classes of label 0 and label 1).
    public init(parsing arguments: [String]) throws {
        self.init()
        for arg in arguments {
            if let v = Double(arg) {
                guard v >= 0, v <= 1 else { throw DataError(.invalidSpec, file: "fmnist-spurious", "p = \(arg) is not in [0, 1]") }
                p = v
            } else if let a = SpuriousAttribute(rawValue: arg) {
                attribute = a
            } else if arg.contains("|") {
                let sides = arg.split(separator: "|", omittingEmptySubsequences: false).map { side in
                    side.split(separator: ",").compactMap { Int($0) }
                }
                let all = sides.flatMap { $0 }
                guard sides.count == 2, sides.allSatisfy({ !$0.isEmpty }), all.allSatisfy({ (0..<10).contains($0) }),
                      Set(all).count == all.count else {
                    throw DataError(.invalidSpec, file: "fmnist-spurious",
                                    "classes '\(arg)' must be two disjoint non-empty lists of classes 0…9, like 2,4|0,6")
                }
                classes = sides
            } else {
                throw DataError(.invalidSpec, file: "fmnist-spurious",
                                "argument '\(arg)' is not a probability, an attribute (stripes, corner) or classes a,b|c,d")
            }
        }
    }

    /// The text form after `fmnist-spurious:`, `p:attribute:a,b|c,d` (`0.95:stripes:2,4|0,6`).
    public var description: String {
        "\(p):\(attribute.rawValue):" + classes.map { $0.map(String.init).joined(separator: ",") }.joined(separator: "|")
    }
}

/// Builds a spurious-correlation shift's sets from Fashion-MNIST (see `SpuriousConfig`).
public enum SpuriousShift {
    /// The seed of the source's attribute draws: fixed, so the source (and a model pre-trained
    /// on it) does not change with the run seed.
    static let sourceSeed: UInt64 = 0x5EED_5B0E

    /// Source train (from `train`, attribute = label with probability p), source test (half of
    /// `test`'s images of the chosen classes, same correlation) and the target pool (the other
    /// half, each label's images split evenly between the two attributes).
    public static func make(train: ImageSet, test: ImageSet, config: SpuriousConfig) -> SubpopulationShift.Sets {
        var rng = RandomGenerator.derived(seed: sourceSeed, stream: 1)
        let sourceTrain = correlated(binary(train, config), p: config.p, config: config, rng: &rng)
        let testBinary = binary(test, config)
        var sourceTestIndices = [Int](), poolIndices = [Int]()
        var splitRng = RandomGenerator.derived(seed: sourceSeed, stream: 2)
        for members in testBinary.indicesByLabel() {
            let shuffled = members.seededShuffle(&splitRng)
            sourceTestIndices += shuffled[..<(shuffled.count / 2)]
            poolIndices += shuffled[(shuffled.count / 2)...]
        }
        let sourceTest = correlated(testBinary.subset(sourceTestIndices.sorted()), p: config.p, config: config, rng: &rng)
        // Target: within each label, a shuffled half gets attribute 0, the rest attribute 1.
        var pool = testBinary.subset(poolIndices.sorted())
        var attributes = [Int](repeating: 0, count: pool.count)
        var poolRng = RandomGenerator.derived(seed: sourceSeed, stream: 3)
        for members in pool.indicesByLabel() {
            for (j, i) in members.seededShuffle(&poolRng).enumerated() { attributes[i] = j < members.count / 2 ? 0 : 1 }
        }
        pool = drawn(pool, attributes: attributes, config: config)
        return SubpopulationShift.Sets(sourceTrain: sourceTrain, sourceTest: sourceTest, targetPool: pool)
    }

    /// The images of `config.classes`, labeled 0 or 1.
    static func binary(_ set: ImageSet, _ config: SpuriousConfig) -> ImageSet {
        var indices = [Int](), labels = [Int]()
        for i in 0..<set.count {
            if let y = config.classes.firstIndex(where: { $0.contains(set.labels[i]) }) {
                indices.append(i)
                labels.append(y)
            }
        }
        var out = set.subset(indices)
        out.labels = labels
        out.classCount = 2
        return out
    }

    /// Attribute = label with probability `p`, otherwise the other value; drawn in.
    static func correlated(_ set: ImageSet, p: Double, config: SpuriousConfig, rng: inout RandomGenerator) -> ImageSet {
        let attributes = set.labels.map { y in rng.nextDouble() < p ? y : 1 - y }
        return drawn(set, attributes: attributes, config: config)
    }

    static func drawn(_ set: ImageSet, attributes: [Int], config: SpuriousConfig) -> ImageSet {
        var out = set
        let (c, h, w, size) = (set.channels, set.height, set.width, set.imageSize)
        out.pixels.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<set.count {
                config.attribute.draw(attributes[i], into: buffer, offset: i * size, channels: c, height: h, width: w)
            }
        }
        out.groups = zip(set.labels, attributes).map { $0 * 2 + $1 }
        return out
    }
}
