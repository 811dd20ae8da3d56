import Testing
@testable import ScalpelEngine

/// The BLAS backend's im2col kernels called directly, with the batch cut into chunks as on a
/// large batch (the scratch limit is lowered so that tests' small batches take several chunks).
@Suite struct Im2colConvolutionTests {
    static let geometries = [
        ConvGeometry(n: 5, c: 3, h: 9, w: 7, o: 4, kh: 3, kw: 3, stride: 2, padding: 1),
        ConvGeometry(n: 5, c: 6, h: 6, w: 6, o: 3, kh: 1, kw: 1, stride: 1, padding: 0),   // pointwise: no im2col
        ConvGeometry(n: 3, c: 2, h: 5, w: 8, o: 5, kh: 2, kw: 3, stride: 1, padding: 1),
    ]

    /// Scratch for one image, two images, the whole batch.
    @Test(arguments: geometries, [1, 2, 1 << 22])
    func chunkedPassesMatchReference(_ g: ConvGeometry, imagesPerChunk: Int) {
        let scratch = imagesPerChunk * g.pixels * g.k
        let x = randomTensor(g.inputShape, seed: 1), w = randomTensor(g.weightShape, seed: 2)
        let b = randomTensor([g.o], seed: 3), gy = randomTensor(g.outputShape, seed: 4)
        let (xl, gyl) = (x.converted(to: .channelsLast), gy.converted(to: .channelsLast))

        let y = Tensor(uninitialized: g.outputShape, format: .channelsLast)
        Im2colConv.forward(g, x: xl.pointer, weight: w.pointer, bias: b.pointer, out: y.pointer, scratchFloats: scratch)
        let gx = Tensor(uninitialized: g.inputShape, format: .channelsLast)
        Im2colConv.backwardData(g, gradOut: gyl.pointer, weight: w.pointer, gradInput: gx.pointer, scratchFloats: scratch)
        let gw = Tensor(uninitialized: g.weightShape), gb = Tensor(uninitialized: [g.o])
        Im2colConv.backwardWeights(g, gradOut: gyl.pointer, x: xl.pointer, gradWeight: gw.pointer, gradBias: gb.pointer,
                                   scratchFloats: scratch)

        let ry = Tensor(uninitialized: g.outputShape), rgx = Tensor(uninitialized: g.inputShape)
        let rgw = Tensor(uninitialized: g.weightShape), rgb = Tensor(uninitialized: [g.o])
        ReferenceConv.forward(g, x: x.pointer, weight: w.pointer, bias: b.pointer, out: ry.pointer)
        ReferenceConv.backwardData(g, gradOut: gy.pointer, weight: w.pointer, gradInput: rgx.pointer)
        ReferenceConv.backwardWeights(g, gradOut: gy.pointer, x: x.pointer, gradWeight: rgw.pointer)
        ReferenceConv.backwardBias(g, gradOut: gy.pointer, gradBias: rgb.pointer)

        expectFastMatchesReference([y, gx, gw, gb].map { $0.toArray() }, [ry, rgx, rgw, rgb].map { $0.toArray() },
                                   ["forward", "backward data", "backward weights", "backward bias"].map { "\($0) \(g)" })
    }

    @Test func chunksCoverTheBatchOnce() {
        let g = ConvGeometry(n: 7, c: 2, h: 4, w: 4, o: 1, kh: 3, kw: 3, stride: 1, padding: 1)
        #expect(g.chunkImages(2 * g.pixels * g.k + 1) == 2)
        #expect(g.chunks(of: 2) == [0..<2, 2..<4, 4..<6, 6..<7])
        #expect(g.chunkImages(1) == 1, "at least one image")
        #expect(g.chunkImages(1 << 30) == 7, "at most the batch")
    }

    @Test func backendNamesAreTheEnvironmentValues() {
        #expect(KernelBackend(rawValue: "blas") == .blas)
        #expect(KernelBackend(rawValue: "onednn") == .fast)
        #expect(KernelBackend(rawValue: "cuda") == nil)
    }
}
