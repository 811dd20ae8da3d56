import Testing
@testable import ScalpelEngine

@Suite struct ConcatSlicingTests {
    @Test func concatValues() {
        let a = Tensor(shape: [2, 2], data: [1, 2, 3, 4]), b = Tensor(shape: [1, 2], data: [5, 6])
        #expect(concat([a, b], axis: 0).toArray() == [1, 2, 3, 4, 5, 6])
        let c = Tensor(shape: [2, 1], data: [7, 8])
        let ac = concat([a, c], axis: -1)
        #expect(ac.shape == [2, 3] && ac.toArray() == [1, 2, 7, 3, 4, 8])
    }

    @Test func concatGradients() {
        let a = randomTensor([2, 1, 3], seed: 1), b = randomTensor([2, 3, 3], seed: 2), c = randomTensor([2, 2, 3], seed: 3)
        checkGradients([a, b, c]) { probeLoss(concat([a, b, c], axis: 1)) }
        checkGradients([a, b]) { probeLoss(concat([a, a, b], axis: 1)) }  // a repeated: gradients add
        let d = randomTensor([1, 2, 2, 3], seed: 4).converted(to: .channelsLast), e = randomTensor([1, 1, 2, 3], seed: 5)
        checkGradients([d, e]) { probeLoss(concat([d, e], axis: 1)) }
    }

    @Test func narrowAndSelectValues() {
        let x = Tensor(shape: [2, 3, 2], data: (0..<12).map(Float.init))
        let n = x.narrow(axis: 1, start: 1, length: 2)
        #expect(n.shape == [2, 2, 2] && n.toArray() == [2, 3, 4, 5, 8, 9, 10, 11])
        let s = x.select(axis: 1, index: 0)
        #expect(s.shape == [2, 2] && s.toArray() == [0, 1, 6, 7])
        #expect(x.select(axis: 0, index: -1).toArray() == [6, 7, 8, 9, 10, 11])
        #expect(x.select(axis: 2, index: 1).toArray() == [1, 3, 5, 7, 9, 11])
        // narrow undoes concat.
        let parts = [x.narrow(axis: 1, start: 0, length: 1), x.narrow(axis: 1, start: 1, length: 2)]
        #expect(concat(parts, axis: 1).toArray() == x.toArray())
    }

    @Test func narrowAndSelectGradients() {
        let x = randomTensor([3, 5, 2], seed: 6)
        checkGradients([x]) { probeLoss(x.narrow(axis: 1, start: 1, length: 3)) }
        checkGradients([x]) { probeLoss(x.narrow(axis: 0, start: 2, length: 1)) + probeLoss(x.select(axis: 1, index: 4)) }
        checkGradients([x]) { probeLoss(x.select(axis: -1, index: 0)) }
        let y = randomTensor([2, 3, 2, 2], seed: 7).converted(to: .channelsLast)
        checkGradients([y]) { probeLoss(y.narrow(axis: 1, start: 1, length: 2)) }
    }

    @Test func gatherRows() {
        let x = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])
        #expect(x.gatherRows([2, 0, 2]).toArray() == [5, 6, 1, 2, 5, 6])
        #expect(x.gatherRows([]).shape == [0, 2])
        let w = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        w.gatherRows([2, 0, 2]).sum().backward()
        #expect(w.grad!.toArray() == [1, 1, 0, 0, 2, 2])
        let t = randomTensor([4, 3, 2], seed: 8)
        checkGradients([t]) { probeLoss(t.gatherRows([3, 1, 3, 0, 3])) }
    }

    @Test func expandValuesAndGradients() {
        let x = Tensor(shape: [2, 1], data: [1, 2])
        let e = x.expand(to: [3, 2, 4])
        #expect(e.shape == [3, 2, 4] && e.toArray() == Array(repeating: [1, 1, 1, 1, 2, 2, 2, 2] as [Float], count: 3).flatMap { $0 })
        #expect(x.expand(to: [-1, 3]).toArray() == [1, 1, 1, 2, 2, 2])
        let t = randomTensor([3, 1, 2], seed: 9)
        checkGradients([t]) { probeLoss(t.expand(to: [2, 3, 4, 2])) }
        let cls = randomTensor([1, 1, 4], seed: 10)  // a ViT class token expanded over the batch
        checkGradients([cls]) { probeLoss(concat([cls.expand(to: [3, 1, 4]), randomTensor([3, 2, 4], seed: 11)], axis: 1)) }
    }

    /// Large inputs take the parallel copy paths.
    @Test func largeInputs() {
        let x = randomTensor([128, 65, 48], seed: 12)
        let head = x.narrow(axis: 1, start: 0, length: 1), rest = x.narrow(axis: 1, start: 1, length: 64)
        #expect(concat([head, rest], axis: 1).toArray() == x.toArray())
        let cls = x.select(axis: 1, index: 0).toArray()
        let all = x.toArray()
        #expect((0..<128).allSatisfy { b in cls[b * 48..<(b + 1) * 48].elementsEqual(all[b * 65 * 48..<(b * 65 + 1) * 48]) })
        let rows = x.reshaped([128 * 65, 48])
        rows.requiresGrad = false
        let idx = (0..<4000).map { ($0 * 37) % (128 * 65) }
        let g = rows.gatherRows(idx).toArray()
        #expect(idx.enumerated().allSatisfy { i, r in g[i * 48] == all[r * 48] && g[i * 48 + 47] == all[r * 48 + 47] })
    }
}
