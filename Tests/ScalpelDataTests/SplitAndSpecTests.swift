import Foundation
import Testing
import ScalpelEngine
@testable import ScalpelData

@Suite struct TargetSplitTests {
    @Test func disjointBalancedAndSeeded() throws {
        let pool = DataFixtures.tinySet(classes: 5, perClass: 40)
        let sizes = SplitSizes(tune: 10, validation: 3)
        let a = try TargetSplits.make(pool: pool, sizes: sizes, seed: 7)
        #expect(a.tune.labelCounts() == [10, 10, 10, 10, 10])
        #expect(a.validation.labelCounts() == [3, 3, 3, 3, 3])
        #expect(a.test.labelCounts() == [27, 27, 27, 27, 27])
        // Every image is unique (filled with its index), so pixel values identify examples.
        let ids = { (s: ImageSet) in Set((0..<s.count).map { s.image($0).pixels[0] }) }
        let (t, v, x) = (ids(a.tune), ids(a.validation), ids(a.test))
        #expect(t.isDisjoint(with: v) && t.isDisjoint(with: x) && v.isDisjoint(with: x))
        #expect(t.count + v.count + x.count == pool.count)
        let b = try TargetSplits.make(pool: pool, sizes: sizes, seed: 7)
        let c = try TargetSplits.make(pool: pool, sizes: sizes, seed: 8)
        #expect(b.tune.pixels == a.tune.pixels && c.tune.pixels != a.tune.pixels)
        let capped = try TargetSplits.make(pool: pool, sizes: SplitSizes(tune: 1, validation: 1, test: 5), seed: 1)
        #expect(capped.test.count == 25)
    }

    @Test func perGroupAndTooSmall() throws {
        let pool = DataFixtures.tinySet(classes: 2, perClass: 40, groups: true)
        let split = try TargetSplits.make(pool: pool, sizes: SplitSizes(tune: 5, validation: 2, byGroup: true), seed: 0)
        #expect(split.tune.groupCounts(groupCount: 4) == [5, 5, 5, 5])
        #expect(split.validation.groupCounts(groupCount: 4) == [2, 2, 2, 2])
        #expect(split.test.groupCounts(groupCount: 4) == [13, 13, 13, 13])
        let e = #expect(throws: DataError.self) {
            try TargetSplits.make(pool: pool, sizes: SplitSizes(tune: 40, validation: 1), seed: 0)
        }
        #expect(e?.kind == .sizeMismatch)
        #expect(throws: DataError.self) {
            try TargetSplits.make(pool: DataFixtures.tinySet(classes: 2, perClass: 4), sizes: .perGroup100, seed: 0)
        }
    }
}

@Suite struct ShiftSpecTests {
    @Test(arguments: [
        "fmnist-c:gaussian_noise:5", "mnist-c:contrast:1", "cifar10-c:/data/CIFAR-10-C:fog:3",
        "fmnist-subpop:0,2/4,6|1/3|5,7/9|8a/8b", "mnist-subpop:0/6|1/7|2/5|3/8|4/9", "fmnist-flip",
        "fmnist-spurious:0.95:stripes:2,4|0,6", "mnist-to-digits", "fmnist-subpop:0/6|2/4|1/3|5,7/9",
        "fmnist-spurious:0.99:corner:1|3",
    ]) func canonicalFormsRoundTrip(text: String) throws {
        let spec = try ShiftSpec(parsing: text)
        #expect(spec.description == text)
        #expect(try ShiftSpec(parsing: spec.description) == spec)
    }

    @Test func defaultsAndShortForms() throws {
        #expect(try ShiftSpec(parsing: "fmnist-subpop") == .subpopulation(base: .fashionMNIST, grouping: .fashionMNIST))
        #expect(try ShiftSpec(parsing: "mnist-subpop") == .subpopulation(base: .mnist5k, grouping: .digits))
        #expect(try ShiftSpec(parsing: "fmnist-spurious") == .spurious(SpuriousConfig()))
        #expect(try ShiftSpec(parsing: "fmnist-spurious:0.8:corner") == .spurious(SpuriousConfig(p: 0.8, attribute: .corner)))
        let g = try SubpopulationGrouping(parsing: "0,1,2|3,4|5,6,7,8", classCount: 10)
        #expect(g.description == "0,1/2|3/4|5,6/7,8")
        #expect(try ShiftSpec(parsing: "cifar10-c:C:/x:y:fog:5") == .cifar10C(directory: "C:/x:y", name: "fog", severity: 5))
        #expect(try ShiftSpec(parsing: "fmnist-c:fog:2").level == .input)
        #expect(try ShiftSpec(parsing: "fmnist-subpop").defaultSplitSizes == .perClass50)
    }

    @Test(arguments: [
        "imagenet-c:fog:5", "fmnist-c:nonsense:5", "fmnist-c:fog:6", "fmnist-c:fog", "fmnist-flip:1",
        "fmnist-subpop:0,1|8", "fmnist-subpop:0/1|1/2", "fmnist-subpop:8/8a|0/1", "fmnist-subpop:0/|1/2",
        "fmnist-subpop:0/12|1/2", "fmnist-spurious:1.5", "fmnist-spurious:blue", "fmnist-spurious:1,2|2",
        "mnist-to-digits:x", "cifar10-c:fog:5", "",
    ]) func invalidSpecsListValidForms(text: String) {
        let e = #expect(throws: DataError.self) { try ShiftSpec(parsing: text) }
        #expect(e?.kind == .invalidSpec)
        #expect(e?.description.contains("fmnist-spurious[:<p>]") == true)
        #expect(e?.description.contains("mnist-to-digits") == true)
    }
}

@Suite struct ShiftBuilderTests {
    @Test func digitSubpopulationOnSyntheticDigits() {
        let all = DataFixtures.tinySet(classes: 10, perClass: 20)
        let (train, test) = SourceSplits.mnist5k(all, trainPerClass: 12)
        #expect(train.labelCounts() == [Int](repeating: 12, count: 10) && test.count == 80)
        let sets = SubpopulationShift.make(train: train, test: test, grouping: .digits)
        #expect(sets.sourceTrain.labelCounts() == [12, 12, 12, 12, 12])
        #expect(sets.targetPool.labelCounts() == [8, 8, 8, 8, 8])
        // Target images come from digits 6, 7, 5, 8, 9 (tiny-set label = index % 10).
        let n = Float(all.count)
        let originals = (0..<sets.targetPool.count).map { Int((sets.targetPool.image($0).pixels[0] * n).rounded()) % 10 }
        let expected = [6, 7, 5, 8, 9]
        #expect(zip(originals, sets.targetPool.labels).allSatisfy { expected[$1] == $0 })
    }

    @Test func corruptionShiftIsDeterministicAndKeepsLabels() throws {
        let set = DataFixtures.tinySet(classes: 3, perClass: 4, side: 28)
        let a = try CorruptionShift.corrupt(set, name: "gaussian_noise", severity: 3)
        let b = try CorruptionShift.corrupt(set, name: "gaussian_noise", severity: 3)
        #expect(a.pixels == b.pixels && a.labels == set.labels && a.pixels != set.pixels)
        #expect(throws: (any Error).self) { try CorruptionShift.corrupt(set, name: "nope", severity: 3) }
    }

    @Test func resizeAndMNISTStyle() {
        var img = Image(repeating: 0, channels: 1, height: 2, width: 2)
        img.pixels = [0, 1, 1, 0]
        let big = img.resized(height: 4, width: 4)
        #expect(big[0, 0, 0] == 0 && big[0, 0, 3] == 1)
        #expect(abs(big[0, 1, 1] - 0.375) < 1e-6)  // (0.25,0.25) of the way: bilinear mix
        // A bar in the corner of an 8×8 digit ends up centred in a 20-pixel box of 28×28.
        var digit = Image(repeating: 0, channels: 1, height: 8, width: 8)
        for y in 0..<8 { digit[0, y, 0] = 1; digit[0, y, 1] = 1 }
        let m = digit.mnistStyle()
        #expect(m.height == 28 && m.width == 28)
        var mass: Float = 0, cx: Float = 0, cy: Float = 0, rows = Set<Int>()
        for y in 0..<28 { for x in 0..<28 where m[0, y, x] > 0 { mass += m[0, y, x]; cx += m[0, y, x] * Float(x); cy += m[0, y, x] * Float(y); if m[0, y, x] > 0.5 { rows.insert(y) } } }
        #expect(abs(cx / mass - 13.5) <= 1 && abs(cy / mass - 13.5) <= 1)
        #expect((19...21).contains(rows.count))
    }

    @Test func dataStoreDirectory() {
        #expect(DataStore(directory: "/tmp/x").directory == "/tmp/x")
        let d = DataStore(directory: nil).directory
        if let env = ProcessInfo.processInfo.environment["SCALPEL_DATA"], !env.isEmpty { #expect(d == env) } else {
            #expect(d.hasSuffix("/.cache/scalpel"))
        }
        #expect(DataStore(directory: "/tmp/x").path(.mnist5k, "mnist_5k.csv.gz") == "/tmp/x/mnist-5k/mnist_5k.csv.gz")
    }

    /// Runs only where MNIST-5k and the UCI digits have been fetched (they come from PyPI wheels).
    @Test(.enabled(if: DataStore().isInstalled(.mnist5k) && DataStore().isInstalled(.uciDigits)))
    func naturalShiftOnRealDigits() throws {
        let data = try ShiftSpec(parsing: "mnist-to-digits").materialize()
        #expect(data.source.train.count == 2500 && data.source.test.count == 2500)
        #expect(data.target.tune.height == 28 && data.target.tune.labelCounts() == [Int](repeating: 100, count: 10))
        #expect(data.target.tune.count + data.target.validation.count + data.target.test.count == 1797)
    }
}
