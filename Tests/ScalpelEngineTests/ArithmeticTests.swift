import Testing
@testable import ScalpelEngine

@Suite struct ArithmeticTests {
    @Test func broadcastingAddMatchesHandComputation() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3], data: [10, 20, 30])
        #expect((a + b).toArray() == [11, 22, 33, 14, 25, 36])
        let c = Tensor(shape: [2, 1], data: [100, 200])
        #expect((a * c).toArray() == [100, 200, 300, 800, 1000, 1200])
    }

    @Test func binaryGradientsWithBroadcasting() {
        let a = randomTensor([2, 3, 4], seed: 1)
        let b = randomTensor([3, 1], seed: 2)
        let d = randomTensor([4], seed: 3, low: 0.5, high: 2)
        checkGradients([a, b, d]) { probeLoss((a + b) * d - a / d + (-b) * a) }
    }

    @Test func channelsLastOperandsGiveLogicalResults() {
        let a = randomTensor([2, 3, 4, 5], seed: 4)
        let b = randomTensor([1, 3, 1, 1], seed: 5)
        let expected = (a + b).toArray()
        let al = a.converted(to: .channelsLast)
        #expect((al + b).format == .channelsLast)
        expectClose((al + b).toArray(), expected, "channels-last broadcast add")
        expectClose((al * a).toArray(), (a * a).toArray(), "mixed formats")
        checkGradients([al, b]) { probeLoss(al * b + al) }
    }

    @Test func unaryGradients() {
        let x = randomTensor([3, 5], seed: 6, low: 0.2, high: 2)
        checkGradients([x]) { probeLoss(x.exp() + x.log() + x.sqrt() + x.square() + (x - 1).abs()) }
        let y = randomTensor([4, 6], seed: 7, low: -3, high: 3)
        checkGradients([y]) { probeLoss(y.relu() + y.gelu()) }
    }

    @Test func reductionsAndShapes() {
        let x = randomTensor([2, 3, 4], seed: 8)
        checkGradients([x]) { probeLoss(x.sum(axes: [1])) + probeLoss(x.mean(axes: [0, 2], keepDims: true).reshaped([3, 1])) }
        checkGradients([x]) { probeLoss(x.permuted([2, 0, 1]).reshaped([4, 6])) }
        checkGradients([x]) { x.square().mean() }
        #expect(x.permuted([2, 0, 1])[3, 1, 2] == x[1, 2, 3])
    }

    @Test func matmulAndLinearGradients() {
        let a = randomTensor([3, 4], seed: 9), b = randomTensor([4, 5], seed: 10)
        checkGradients([a, b]) { probeLoss(a.matmul(b)) }
        let p = randomTensor([2, 3, 4], seed: 11), q = randomTensor([2, 4, 2], seed: 12)
        checkGradients([p, q]) { probeLoss(p.matmul(q)) }
        let x = randomTensor([2, 3, 4], seed: 13), w = randomTensor([5, 4], seed: 14), bias = randomTensor([5], seed: 15)
        checkGradients([x, w, bias]) { probeLoss(linear(x, weight: w, bias: bias)) }
    }

    @Test func gradientsAccumulateOverBackwardCalls() {
        let x = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        (x * x).sum().backward()
        (x * x).sum().backward()
        #expect(x.grad!.toArray() == [4, 8])
    }

    @Test func noGradScopeRecordsNothing() {
        let x = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        let y = withNoGrad { x * x }
        #expect(!y.requiresGrad && y.isLeaf)
    }
}
