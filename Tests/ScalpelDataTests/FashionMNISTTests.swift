import Foundation
import Testing
import ScalpelEngine
@testable import ScalpelData

/// Tests on the real Fashion-MNIST (installed from Debian's dataset-fashion-mnist; fetched on first use).
@Suite struct FashionMNISTTests {
    /// Original label of each test image, keyed by the image's middle rows (unique in practice;
    /// cheaper to hash than whole images in a debug build).
    static let testIndex: [ArraySlice<Float>: Int] = {
        let test = DataFixtures.fashion.test
        var index = [ArraySlice<Float>: Int]()
        for i in 0..<test.count { index[fingerprint(test, i)] = test.labels[i] }
        return index
    }()

    static func fingerprint(_ set: ImageSet, _ i: Int) -> ArraySlice<Float> {
        set.pixels[(i * set.imageSize + 308)..<(i * set.imageSize + 476)]
    }

    @Test func loadsSixtyThousandAndTenThousand() {
        let (train, test) = DataFixtures.fashion
        #expect(train.count == 60000 && test.count == 10000)
        #expect(train.channels == 1 && train.height == 28 && train.width == 28 && train.classCount == 10)
        #expect(train.labelCounts() == [Int](repeating: 6000, count: 10))
        #expect(test.labelCounts() == [Int](repeating: 1000, count: 10))
        #expect(test.pixels.min() == 0 && test.pixels.max() == 1)
    }

    @Test func subpopulationSourceAndTargetSubclassesAreDisjoint() {
        let (train, test) = DataFixtures.fashion
        let grouping = SubpopulationGrouping.fashionMNIST
        let sets = SubpopulationShift.make(train: train, test: test, grouping: grouping)
        #expect(sets.sourceTrain.classCount == 4 && sets.targetPool.classCount == 4)
        // Map each example back to its original class through its pixels.
        func originalClasses(_ set: ImageSet) -> Set<Int> {
            Set((0..<set.count).compactMap { Self.testIndex[Self.fingerprint(set, $0)] })
        }
        #expect(originalClasses(sets.sourceTest) == [0, 2, 1, 5, 7, 8])
        #expect(originalClasses(sets.targetPool) == [4, 6, 3, 9, 8])
        // Bags are split into halves: no image is on both sides.
        let sourceImages = Set((0..<sets.sourceTest.count).map { Self.fingerprint(sets.sourceTest, $0) })
        #expect((0..<sets.targetPool.count).allSatisfy { !sourceImages.contains(Self.fingerprint(sets.targetPool, $0)) })
        // The training half of bags is exactly half (median split).
        #expect(sets.sourceTrain.labelCounts() == [12000, 6000, 12000, 3000])
        let poolCounts = sets.targetPool.labelCounts()
        #expect(poolCounts[0] == 2000 && poolCounts[1] == 1000 && poolCounts[2] == 1000)
        #expect(abs(poolCounts[3] - 500) < 100)
    }

    @Test func spuriousCorrelationAndBalancedTargetGroups() throws {
        // Default spec (stripes, p = 0.95), materialized with the paper's per-group split.
        let data = try ShiftSpec(parsing: "fmnist-spurious").materialize(ShiftOptions(seed: 3))
        let source = data.source.train
        #expect(source.count == 24000 && source.classCount == 2 && data.groupCount == 4)
        func agreement(_ set: ImageSet) -> Double {
            Double(zip(set.labels, set.groups!).filter { $0 * 2 + $0 == $1 }.count) / Double(set.count)
        }
        func within(_ rate: Double, _ p: Double, _ n: Int) -> Bool { abs(rate - p) < 4 * (p * (1 - p) / Double(n)).squareRoot() }
        #expect(within(agreement(source), 0.95, source.count), "source agreement \(agreement(source))")
        #expect(within(agreement(data.source.test), 0.95, data.source.test.count))
        #expect(zip(source.labels, source.groups!).allSatisfy { $1 / 2 == $0 })
        #expect(data.target.tune.groupCounts(groupCount: 4) == [100, 100, 100, 100])
        #expect(data.target.validation.groupCounts(groupCount: 4) == [10, 10, 10, 10])
        #expect(data.target.test.groupCounts(groupCount: 4) == [390, 390, 390, 390])
        // Stripes: horizontal for attribute 0 (row 0 on, row 2 off), vertical for 1 (column 0 on, column 2 off).
        let tune = data.target.tune
        let g0 = tune.image(tune.groups!.firstIndex(of: 0)!), g1 = tune.image(tune.groups!.firstIndex(of: 1)!)
        #expect(g0[0, 0, 0] == 0.35 && g0[0, 2, 0] < 0.1 && g1[0, 0, 0] == 0.35 && g1[0, 0, 2] < 0.1)

        // The corner attribute with another p, on part of the data (speed).
        let (train, test) = DataFixtures.fashion
        let sets = SpuriousShift.make(train: train.subset(Array(0..<20000)), test: test,
                                      config: SpuriousConfig(p: 0.8, attribute: .corner))
        #expect(within(agreement(sets.sourceTrain), 0.8, sets.sourceTrain.count))
        #expect(sets.targetPool.groupCounts(groupCount: 4) == [500, 500, 500, 500])
        let pool = sets.targetPool
        let c1 = pool.image(pool.groups!.firstIndex(of: 3)!), c0 = pool.image(pool.groups!.firstIndex(of: 2)!)
        #expect(c1[0, 0, 27] == 1 && c1[0, 3, 24] == 1 && c0[0, 0, 0] == 1 && c0[0, 3, 3] == 1)
    }

    @Test func labelFlipIsExact() throws {
        let data = try ShiftSpec(parsing: "fmnist-flip").materialize(ShiftOptions(seed: 1))
        for split in [data.target.tune, data.target.validation, data.target.test] {
            let flipped = (0..<split.count).allSatisfy { i in
                Self.testIndex[Self.fingerprint(split, i)].map { split.labels[i] == 9 - $0 } ?? false
            }
            #expect(flipped)
        }
        #expect(data.target.tune.count == 1000 && data.target.validation.count == 100 && data.target.test.count == 8900)
        #expect(data.source.train.labels == DataFixtures.fashion.train.labels)
        #expect(data.classNames.first == "Ankle boot")
    }
}
