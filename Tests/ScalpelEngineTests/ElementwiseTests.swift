import Testing
@testable import ScalpelEngine

/// The specialized elementwise maps against plain loops over logical indices, on odd sizes
/// (vector remainders, uneven thread chunks), broadcast shapes and mixed memory formats.
@Suite struct ElementwiseTests {
    /// z[i] = f(a[i'], b[i'']) over logical indices, broadcasting by hand.
    func reference(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> [Float] {
        let shape = broadcastShape(a.shape, b.shape)!
        let (va, vb) = (a.toArray(), b.toArray())
        func offset(_ index: [Int], _ s: [Int]) -> Int {
            let skip = index.count - s.count
            var off = 0
            for (i, d) in s.enumerated() { off = off * d + (d == 1 ? 0 : index[i + skip]) }
            return off
        }
        var out: [Float] = []
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<shapeCount(shape) {
            out.append(f(va[offset(index, a.shape)], vb[offset(index, b.shape)]))
            var d = shape.count - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return out
    }

    /// (a shape, b shape, channels-last a, channels-last b): larger than two parallel chunks
    /// where it matters, and sizes that are no multiple of a vector width.
    static let cases: [([Int], [Int], Bool, Bool)] = [
        ([3, 5, 97, 67], [3, 5, 97, 67], false, false),   // flat loop, two chunks
        ([3, 5, 97, 67], [3, 5, 97, 67], true, true),
        ([3, 5, 97, 67], [3, 5, 97, 67], true, false),    // mixed formats: strided rows
        ([3, 5, 97, 67], [1, 5, 1, 1], true, false),      // per-channel bias, channels-last
        ([3, 5, 97, 67], [5, 1, 1], false, false),        // per-channel bias, NCHW rows
        ([3, 1, 97, 1], [1, 5, 1, 67], false, false),     // both broadcast
        ([1001, 37], [37], false, false),                 // linear-layer bias
        ([1001, 1], [1, 37], false, false),               // outer product
        ([7], [], false, false),                          // scalar tensor
    ]

    func operands(_ c: ([Int], [Int], Bool, Bool), seed: UInt64) -> (Tensor, Tensor) {
        var a = randomTensor(c.0, seed: seed), b = randomTensor(c.1, seed: seed + 1, low: -1, high: 2)
        if c.2 { a = a.converted(to: .channelsLast) }
        if c.3 { b = b.converted(to: .channelsLast) }
        return (a, b)
    }

    @Test(arguments: 0..<cases.count)
    func binaryMapsMatchPlainLoops(_ i: Int) {
        let (a, b) = operands(Self.cases[i], seed: UInt64(10 * i))
        let what = "case \(i) \(a.shape)\(a.format == .channelsLast ? "cl" : "") ∘ \(b.shape)"
        #expect((a + b).toArray() == reference(a, b, +), "\(what) add")
        #expect((a - b).toArray() == reference(a, b, -), "\(what) sub")
        #expect((a * b).toArray() == reference(a, b, *), "\(what) mul")
        #expect((a / b).toArray() == reference(a, b, /), "\(what) div")
        #expect((b + a).toArray() == reference(b, a, +), "\(what) add, swapped")
        #expect(broadcastMap(a, b, ReLUGrad()).toArray() == reference(a, b) { g, y in y > 0 ? g : 0 }, "\(what) relu grad")
    }

    @Test func unaryMapsMatchPlainLoops() {
        let x = randomTensor([3, 5, 97, 67], seed: 3, low: -2, high: 2)
        for t in [x, x.converted(to: .channelsLast)] {
            let v = t.toArray()
            #expect(t.relu().toArray() == v.map { Swift.max($0, 0) })
            #expect((-t).toArray() == v.map { -$0 })
            #expect((t + 0.25).toArray() == v.map { $0 + 0.25 })
            #expect((t * 3).toArray() == v.map { $0 * 3 })
            #expect(t.adding(t).toArray() == v.map { $0 + $0 })
            #expect(t.relu().format == t.format)
        }
        let special = Tensor(shape: [4], data: [.nan, -0.0, -1, .infinity]).relu().toArray()
        #expect(special[0].isNaN && special[1] == 0 && special[2] == 0 && special[3] == .infinity)
    }

    @Test func reluBackwardOnTwoChunks() {
        let x = randomTensor([2, 3, 101, 111], seed: 4, low: -1, high: 1).converted(to: .channelsLast)
        x.requiresGrad = true
        let g = randomTensor(x.shape, seed: 5).converted(to: .channelsLast)
        x.relu().backward(g)
        let expected = zip(g.toArray(), x.toArray()).map { gi, xi in xi > 0 ? gi : 0 }
        #expect(x.grad!.toArray() == expected)
    }

    /// Rows split at any point visit the same rows, offsets and order as one pass.
    @Test func stridedPlanRowRangesConcatenate() {
        let a = randomTensor([2, 3, 5, 7], seed: 6).converted(to: .channelsLast)
        let b = randomTensor([3, 1, 7], seed: 7)
        let plan = StridedPlan(outShape: [2, 3, 5, 7], outFormat: .contiguous, operands: [a, b])
        var all: [[Int]] = []
        plan.forEachRow { o, _, _ in all.append(o) }
        #expect(all.count == plan.rowCount)
        for split in [0, 1, 4, 5, 13, plan.rowCount] {
            var parts: [[Int]] = []
            plan.forEachRow(0..<split) { o, _, _ in parts.append(o) }
            plan.forEachRow(split..<plan.rowCount) { o, _, _ in parts.append(o) }
            #expect(parts == all, "split at \(split)")
        }
    }
}
