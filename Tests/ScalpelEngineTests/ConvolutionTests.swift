import Testing
@testable import ScalpelEngine

/// Runs `body` on a fast backend (oneDNN or BLAS) and on the reference backend, returning the
/// logical values of what it returns (nil entries stay nil).
func outputsOnBothBackends(_ backend: KernelBackend = .fast,
                           _ body: () -> [Tensor?]) -> (fast: [[Float]?], reference: [[Float]?]) {
    let fast = KernelBackend.with(backend) { body().map { $0?.toArray() } }
    let reference = KernelBackend.with(.reference) { body().map { $0?.toArray() } }
    return (fast, reference)
}

/// Fast kernels against the Double-accumulating reference: 1e-5 relative, with an absolute
/// floor of 1e-5 × RMS(reference). A Float sum's rounding error grows with its partial sums —
/// the typical magnitude of the outputs — not with the (possibly cancelling) individual result,
/// so an entry near zero is judged against the tensor's scale.
func expectFastMatchesReference(_ fast: [[Float]?], _ reference: [[Float]?], _ names: [String],
                                sourceLocation: SourceLocation = #_sourceLocation) {
    for (i, name) in names.enumerated() {
        guard let f = fast[i], let r = reference[i] else {
            #expect(fast[i] == nil && reference[i] == nil, "\(name): present on one backend only",
                    sourceLocation: sourceLocation)
            continue
        }
        let rms = (r.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(1, r.count))).squareRoot()
        expectClose(f, r, rtol: 1e-5, atol: Float(1e-5 * rms), name, sourceLocation: sourceLocation)
    }
}

@Suite struct ConvolutionTests {
    struct Case: CustomStringConvertible {
        let n, c, o, h, w, kh, kw, stride, padding: Int
        var description: String { "n\(n) c\(c)→\(o) \(h)×\(w) k\(kh)×\(kw) s\(stride) p\(padding)" }
    }

    static let cases: [Case] = [
        Case(n: 1, c: 1, o: 16, h: 12, w: 12, kh: 3, kw: 3, stride: 1, padding: 1),   // stem
        Case(n: 2, c: 3, o: 16, h: 15, w: 14, kh: 7, kw: 7, stride: 2, padding: 1),
        Case(n: 4, c: 16, o: 16, h: 9, w: 10, kh: 3, kw: 3, stride: 1, padding: 1),
        Case(n: 3, c: 16, o: 32, h: 11, w: 11, kh: 3, kw: 3, stride: 2, padding: 1),
        Case(n: 8, c: 32, o: 32, h: 6, w: 7, kh: 3, kw: 3, stride: 1, padding: 0),
        Case(n: 5, c: 32, o: 16, h: 8, w: 8, kh: 1, kw: 1, stride: 2, padding: 0),    // 1×1 shortcut
        Case(n: 2, c: 16, o: 3, h: 13, w: 9, kh: 7, kw: 7, stride: 1, padding: 0),
        Case(n: 1, c: 3, o: 16, h: 10, w: 7, kh: 1, kw: 3, stride: 1, padding: 1),    // non-square kernel
    ]

    @Test(arguments: KernelBackend.allCases)
    func gradientsMatchFiniteDifferences(backend: KernelBackend) {
        KernelBackend.with(backend) {
            let x = randomTensor([2, 3, 7, 6], seed: 1), w = randomTensor([4, 3, 3, 3], seed: 2)
            let b = randomTensor([4], seed: 3)
            checkGradients([x, w, b]) { probeLoss(conv2d(x, weight: w, bias: b, padding: 1)) }
            // Stride 2 with padding 1 on odd, non-square input; channels-last input.
            let x2 = randomTensor([2, 3, 9, 7], seed: 4).converted(to: .channelsLast)
            let w2 = randomTensor([5, 3, 3, 3], seed: 5), b2 = randomTensor([5], seed: 6)
            checkGradients([x2, w2, b2]) { probeLoss(conv2d(x2, weight: w2, bias: b2, stride: 2, padding: 1)) }
            // Non-square kernel, no bias, no padding.
            let x3 = randomTensor([1, 2, 5, 8], seed: 7), w3 = randomTensor([3, 2, 3, 2], seed: 8)
            checkGradients([x3, w3]) { probeLoss(conv2d(x3, weight: w3)) }
        }
    }

    @Test(arguments: cases, [KernelBackend.fast, .blas])
    func fastKernelsMatchReference(_ c: Case, backend: KernelBackend) {
        let x = randomTensor([c.n, c.c, c.h, c.w], seed: 10)
        let w = randomTensor([c.o, c.c, c.kh, c.kw], seed: 11), b = randomTensor([c.o], seed: 12)
        let oh = (c.h + 2 * c.padding - c.kh) / c.stride + 1, ow = (c.w + 2 * c.padding - c.kw) / c.stride + 1
        let gy = randomTensor([c.n, c.o, oh, ow], seed: 13)
        // Forward, ∂w and ∂b with an input that needs no gradient (the stem's aliasing path)...
        let (f1, r1) = outputsOnBothBackends(backend) {
            for t in [w, b] { t.requiresGrad = true; t.grad = nil }
            x.requiresGrad = false
            let y = conv2d(x, weight: w, bias: b, stride: c.stride, padding: c.padding)
            y.backward(gy)
            return [y, w.grad, b.grad]
        }
        expectFastMatchesReference(f1, r1, ["forward \(c)", "backward weights \(c)", "backward bias \(c)"])
        // ...then ∂x alone, from a channels-last input.
        let (f2, r2) = outputsOnBothBackends(backend) {
            let xl = x.converted(to: .channelsLast)
            xl.requiresGrad = true
            w.requiresGrad = false
            b.requiresGrad = false
            conv2d(xl, weight: w, bias: b, stride: c.stride, padding: c.padding).backward(gy)
            return [xl.grad]
        }
        expectFastMatchesReference(f2, r2, ["backward data \(c)"])
    }

    @Test(arguments: [KernelBackend.fast, .blas])
    func fastOutputIsChannelsLast(backend: KernelBackend) {
        let x = randomTensor([2, 3, 8, 8], seed: 20), w = randomTensor([4, 3, 3, 3], seed: 21)
        let (y, counts) = KernelBackend.with(backend) {
            KernelStats.counting { conv2d(conv2d(x, weight: w, padding: 1), weight: randomTensor([4, 4, 3, 3], seed: 22)) }
        }
        #expect(y.format == .channelsLast)
        #expect(y.shape == [2, 4, 6, 6])
        #expect(counts["layout.reorder"] == 1, "only the NCHW input is converted")
        #expect(counts["conv2d.forward"] == 2)
    }

    /// x → conv1 → relu → conv2 → relu → conv3 → loss, with the input needing no gradient.
    private func threeConvCounts(trainable: [Bool]) -> [String: Int] {
        let x = randomTensor([2, 3, 10, 10], seed: 30)
        let weights = [randomTensor([8, 3, 3, 3], seed: 31), randomTensor([8, 8, 3, 3], seed: 32),
                       randomTensor([4, 8, 3, 3], seed: 33)]
        for (w, t) in zip(weights, trainable) { w.requiresGrad = t }
        var h = x
        for (i, w) in weights.enumerated() {
            h = conv2d(h, weight: w, padding: 1)
            if i < 2 { h = h.relu() }
        }
        let loss = probeLoss(h)
        let (_, counts) = KernelStats.counting { loss.backward() }
        for (w, t) in zip(weights, trainable) { #expect((w.grad != nil) == t) }
        return counts
    }

    @Test func frozenPrefixRunsNoKernelBelowFirstTrainableLayer() {
        // conv1 frozen: ∂w for conv2 and conv3; ∂x only for conv3 (conv2's input is frozen).
        let one = threeConvCounts(trainable: [false, true, true])
        #expect(one["conv2d.backward_weights"] == 2)
        #expect(one["conv2d.backward_data"] == 1)
        // conv1 and conv2 frozen: conv3 alone, no data gradient at all.
        let two = threeConvCounts(trainable: [false, false, true])
        #expect(two["conv2d.backward_weights"] == 1)
        #expect(two["conv2d.backward_data"] == nil)
        // Everything trainable: every weight, and ∂x for the two convs above the input.
        let all = threeConvCounts(trainable: [true, true, true])
        #expect(all["conv2d.backward_weights"] == 3)
        #expect(all["conv2d.backward_data"] == 2)
    }

    #if canImport(CScalpelDNNL)
    @Test func repeatedShapesReuseTheCachedPlan() {
        let g = ConvGeometry(n: 3, c: 5, h: 9, w: 9, o: 7, kh: 3, kw: 3, stride: 2, padding: 1)
        let x = randomTensor(g.inputShape, seed: 50), w = randomTensor(g.weightShape, seed: 51)
        let plan = { DNNLContext.shared.withLock { DNNLConvPlan.get($0, g, hasBias: false) } }
        let first = conv2d(x, weight: w, stride: 2, padding: 1).toArray()
        let p1 = plan()
        let second = conv2d(x, weight: w, stride: 2, padding: 1).toArray()
        #expect(plan() === p1)
        #expect(first == second)
    }
    #endif

    @Test func biasOnlyGradient() {
        let x = randomTensor([2, 4, 5, 5], seed: 40), w = randomTensor([3, 4, 3, 3], seed: 41)
        let b = randomTensor([3], seed: 42, low: 0, high: 0)
        b.requiresGrad = true
        let gy = randomTensor([2, 3, 5, 5], seed: 43)
        let (_, counts) = KernelStats.counting { conv2d(x, weight: w, bias: b, padding: 1).backward(gy) }
        #expect(counts["conv2d.backward_weights"] == nil && counts["conv2d.backward_data"] == nil)
        let expected = (0..<3).map { o in
            (0..<2).reduce(Float(0)) { s, n in s + (0..<25).reduce(Float(0)) { $0 + gy[n, o, $1 / 5, $1 % 5] } }
        }
        expectClose(b.grad!.toArray(), expected, rtol: 1e-5, atol: 1e-5, "bias gradient")
    }
}
