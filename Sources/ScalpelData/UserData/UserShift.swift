import Foundation

/// A shift onto the user's own data: the target read from a path (any `UserData` layout),
/// optionally corrupted with one of the paper's corruptions, and optionally a source data set.
///
/// Spec form: `data:<target>[:source=<path>][:corrupt=<name>:<severity>]`.
public struct UserShift: Sendable, Equatable, CustomStringConvertible {
    /// The target's path.
    public var target: String
    /// The source's path; without one, the source sets are the target's own test split.
    public var source: String?
    /// A corruption applied to every target image, `(name, severity)`.
    public var corruption: Corruption?

    /// A corruption of `Corruptions` at a severity 1…5.
    public struct Corruption: Sendable, Equatable {
        /// A name of `Corruptions.names`.
        public var name: String
        /// 1…5.
        public var severity: Int
        /// Creates a corruption (checked when the spec is parsed).
        public init(name: String, severity: Int) {
            self.name = name
            self.severity = severity
        }
    }

    /// Creates a user shift onto `target`.
    public init(target: String, source: String? = nil, corruption: Corruption? = nil) {
        self.target = target
        self.source = source
        self.corruption = corruption
    }

    /// Parses the part after `data:`; `fail` builds the error for a malformed spec.
    init(parsingBody body: String, fail: (String) -> DataError) throws {
        var rest = body
        if let range = rest.range(of: ":corrupt=") {
            let parts = rest[range.upperBound...].split(separator: ":").map(String.init)
            guard parts.count == 2, Corruptions.names.contains(parts[0]), let s = Int(parts[1]), (1...5).contains(s) else {
                throw fail("corrupt=\(rest[range.upperBound...]): expected <corruption>:<severity 1…5> with a corruption of " +
                           Corruptions.names.joined(separator: ", "))
            }
            corruption = Corruption(name: parts[0], severity: s)
            rest = String(rest[..<range.lowerBound])
        }
        if let range = rest.range(of: ":source=") {
            source = String(rest[range.upperBound...])
            rest = String(rest[..<range.lowerBound])
            guard !(source ?? "").isEmpty else { throw fail("empty source path") }
        }
        guard !rest.isEmpty else { throw fail("empty target path") }
        target = rest
    }

    /// The spec text, `data:<target>[:source=…][:corrupt=…]`.
    public var description: String {
        "data:\(target)" + (source.map { ":source=\($0)" } ?? "") +
            (corruption.map { ":corrupt=\($0.name):\($0.severity)" } ?? "")
    }

    /// Split sizes when none are given: per class, half of the smallest class to tune, a tenth
    /// (at least one) to validate, the rest to test.
    public static func defaultSplitSizes(for pool: ImageSet) -> SplitSizes {
        let smallest = pool.indicesByLabel().map(\.count).filter { $0 > 0 }.min() ?? 0
        return SplitSizes(tune: max(1, smallest / 2), validation: max(1, smallest / 10))
    }

    /// Reads the target (and source), corrupts the target, and splits it; a split folder's
    /// `train`, `val` and `test` are taken as given (with fewer splits, they are pooled and split).
    func materialize(_ options: ShiftOptions, spec: ShiftSpec) throws -> ShiftData {
        // Corruptions work on [0, 1] pixels: normalize after them.
        var geometry = options.preprocessing
        (geometry.mean, geometry.std) = (nil, nil)
        let data = try UserData.load(target, preprocessing: geometry, options: options.userData)
        func corrupt(_ set: ImageSet) throws -> ImageSet {
            var set = set
            if let corruption {
                // Corrupted pixels are held as Float: four bytes a sample, under the same cap.
                guard set.floatByteCount <= options.userData.maxBytes else {
                    throw DataError(.badValue, file: target, "corrupting \(set.count) images needs \(set.floatByteCount) bytes " +
                                    "of Float pixels, more than the \(options.userData.maxBytes)-byte memory cap")
                }
                Shell.log("corrupting \(set.count) images with \(corruption.name) at severity \(corruption.severity)")
                set = try CorruptionShift.corrupt(set, name: corruption.name, severity: corruption.severity)
            }
            return options.preprocessing.normalized(set)
        }
        let splits: TargetSplits, classNames: [String], sizesText: String
        if let train = data.splits[.train], let validation = data.splits[.validation], let test = data.splits[.test] {
            splits = TargetSplits(tune: try corrupt(train.images), validation: try corrupt(validation.images),
                                  test: try corrupt(test.images))
            classNames = train.classNames
            sizesText = "as given by the split folder"
        } else {
            // A whole set, or a split folder without all three splits: pooled, then split by seed.
            let parts = data.all.map { [$0] } ?? UserData.Split.allCases.compactMap { data.splits[$0] }
            guard let first = parts.first else { throw DataError(.invalidSpec, file: target, "no images") }
            let pool = ImageSet.concatenating(parts.map(\.images))
            let sizes = options.splitSizes ?? Self.defaultSplitSizes(for: pool)
            splits = try TargetSplits.make(pool: try corrupt(pool), sizes: sizes, seed: options.seed)
            classNames = first.classNames
            sizesText = "\(sizes), seed \(options.seed)"
        }
        var source = (train: splits.test, test: splits.test)
        guard source.train.count > 0 else { throw DataError(.sizeMismatch, file: target, "the target's test split is empty") }
        var what = "Your data. Target: \(target) (\(data.layout.rawValue), \(classNames.count) classes: " +
            classNames.prefix(12).joined(separator: ", ") + (classNames.count > 12 ? ", …" : "") + ")"
        if let corruption { what += ", corrupted by \(corruption.name) at severity \(corruption.severity)" }
        if !data.ignoredFiles.isEmpty { what += "; \(data.ignoredFiles.count) non-image files ignored" }
        if !data.badFiles.isEmpty { what += "; \(data.badFiles.count) bad images skipped" }
        if let sourcePath = self.source {
            let s = try UserData.load(sourcePath, preprocessing: geometry, options: options.userData)
            guard let train = s.pool else { throw DataError(.invalidSpec, file: sourcePath, "no train split") }
            let test = s.splits[.test] ?? s.splits[.validation] ?? train
            source = (options.preprocessing.normalized(train.images), options.preprocessing.normalized(test.images))
            what += ". Source: \(sourcePath) (\(source.train.count) images)"
        } else {
            what += ". No source given: source sets are the target's test split"
        }
        what += ". Target split (\(sizesText)): \(splits.tune.count) tune, \(splits.validation.count) validation, " +
            "\(splits.test.count) test."
        return ShiftData(source: source, target: splits, spec: spec, description: what, classNames: classNames)
    }
}
