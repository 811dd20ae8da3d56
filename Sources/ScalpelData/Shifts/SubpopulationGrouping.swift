import Foundation

/// The superclasses of a subpopulation (feature-level) shift, BREEDS style (Santurkar et al. 2020):
/// each superclass is a set of original classes ("subclasses"); the source sees some of them,
/// the target others, never the same. The label is the superclass index.
///
/// Text form: superclasses separated by `|`, subclasses by `,`, and the source part from the
/// target part by `/`: `0,2/4,6|1/3|5,7/9|8a/8b`. Without `/`, the first half (rounded up) of a
/// superclass's subclasses is the source, the rest the target. A subclass is a class index, or a
/// class index with `a` or `b` for half of that class (see ``Subclass``), which lets a class with
/// no sibling (Fashion-MNIST's Bag) form a superclass of its own.
public struct SubpopulationGrouping: Sendable, Equatable, CustomStringConvertible {
    /// An original class, or one half of it.
    ///
    /// The halves split a class by a deterministic image attribute, the mean intensity of the
    /// top quarter of the image: `a` = above the median of that class's source-training images,
    /// `b` = the rest. For Fashion-MNIST bags this separates tall bags and bags whose handle
    /// rises to the top (`a`) from flat, wide bags and clutches (`b`).
    public struct Subclass: Hashable, Sendable, CustomStringConvertible {
        /// Which half of the class: `a` above the median top-quarter intensity, `b` the rest.
        public enum Half: String, Sendable { case a, b }
        /// The original class index.
        public var label: Int
        /// The half of the class, or nil for the whole class.
        public var half: Half?

        /// Class `label`, or one half of it; checked only when a grouping is built.
        public init(_ label: Int, half: Half? = nil) {
            self.label = label
            self.half = half
        }

        /// The text form: the class index followed by `a` or `b` for a half (`8a`).
        public var description: String { "\(label)\(half?.rawValue ?? "")" }

        func overlaps(_ other: Subclass) -> Bool {
            label == other.label && (half == nil || other.half == nil || half == other.half)
        }
    }

    /// One superclass: the subclasses the source sees and the disjoint ones the target sees.
    public struct Superclass: Sendable, Equatable {
        /// Subclasses whose images are in the source data.
        public var source: [Subclass]
        /// Subclasses whose images are in the target data.
        public var target: [Subclass]

        /// A superclass from its parts; checked when a grouping is built from it.
        public init(source: [Subclass], target: [Subclass]) {
            self.source = source
            self.target = target
        }
    }

    /// The superclasses; superclass k has label k.
    public var superclasses: [Superclass]

    /// Checks that every superclass has source and target subclasses and that no two
    /// subclasses anywhere overlap (so source and target are disjoint).
    public init(_ superclasses: [Superclass], classCount: Int) throws {
        func fail(_ why: String) -> DataError { DataError(.invalidSpec, file: "subpopulation grouping", why) }
        guard superclasses.count >= 2 else { throw fail("needs at least 2 superclasses") }
        var seen = [Subclass]()
        for (k, s) in superclasses.enumerated() {
            guard !s.source.isEmpty, !s.target.isEmpty else {
                throw fail("superclass \(k) needs at least one source and one target subclass " +
                           "(a lone class can be split into halves, e.g. 8a/8b)")
            }
            for sub in s.source + s.target {
                guard (0..<classCount).contains(sub.label) else { throw fail("class \(sub.label) is not in 0..<\(classCount)") }
                if let clash = seen.first(where: { $0.overlaps(sub) }) { throw fail("subclass \(sub) overlaps \(clash)") }
                seen.append(sub)
            }
        }
        self.superclasses = superclasses
    }

    /// Parses the text form (see the type's documentation).
    public init(parsing text: String, classCount: Int) throws {
        func fail(_ why: String) -> DataError { DataError(.invalidSpec, file: "subpopulation grouping '\(text)'", why) }
        func subclasses(_ s: Substring) throws -> [Subclass] {
            try s.split(separator: ",").map { token in
                let t = token.trimmingCharacters(in: .whitespaces)
                var digits = Substring(t), half: Subclass.Half?
                if let last = t.last, let h = Subclass.Half(rawValue: String(last)) { half = h; digits = digits.dropLast() }
                guard let n = Int(digits) else { throw fail("subclass '\(t)' is not a class index (optionally + a or b)") }
                return Subclass(n, half: half)
            }
        }
        var result = [Superclass]()
        for part in text.split(separator: "|", omittingEmptySubsequences: false) {
            let sides = part.split(separator: "/", omittingEmptySubsequences: false)
            switch sides.count {
            case 1:
                let all = try subclasses(sides[0])
                guard all.count >= 2 else {
                    throw fail("superclass '\(part)' has one subclass; give at least two, or halves like 8a,8b")
                }
                let cut = (all.count + 1) / 2
                result.append(Superclass(source: Array(all[..<cut]), target: Array(all[cut...])))
            case 2:
                result.append(Superclass(source: try subclasses(sides[0]), target: try subclasses(sides[1])))
            default:
                throw fail("superclass '\(part)' has more than one '/'")
            }
        }
        do { try self.init(result, classCount: classCount) } catch let e as DataError { throw fail(e.detail) }
    }

    /// The text form with explicit `/` in every superclass (`0,2/4,6|1/3|…`), which parses back to
    /// the same grouping.
    public var description: String {
        superclasses.map { s in
            s.source.map(\.description).joined(separator: ",") + "/" + s.target.map(\.description).joined(separator: ",")
        }.joined(separator: "|")
    }

    /// The default Fashion-MNIST grouping, 4 superclasses:
    /// tops: source {T-shirt/top, Pullover}, target {Coat, Shirt};
    /// bottoms & dresses: source {Trouser}, target {Dress};
    /// footwear: source {Sandal, Sneaker}, target {Ankle boot};
    /// bags: source {Bag a: tall / handle up}, target {Bag b: flat, wide}.
    public static let fashionMNIST = try! SubpopulationGrouping(parsing: "0,2/4,6|1/3|5,7/9|8a/8b", classCount: 10)

    /// The default digit grouping, 5 superclasses of two look-alike digits: {0 → 6}, {1 → 7},
    /// {2 → 5}, {3 → 8}, {4 → 9} (source digit → target digit).
    public static let digits = try! SubpopulationGrouping(parsing: "0/6|1/7|2/5|3/8|4/9", classCount: 10)

    /// Human-readable superclass lists, e.g. `T-shirt/top+Pullover → Coat+Shirt`.
    public func names(_ classNames: [String]) -> [String] {
        func name(_ s: Subclass) -> String {
            (s.label < classNames.count ? classNames[s.label] : "\(s.label)") + (s.half.map { " (\($0.rawValue))" } ?? "")
        }
        return superclasses.map { s in
            s.source.map(name).joined(separator: "+") + " → " + s.target.map(name).joined(separator: "+")
        }
    }
}
