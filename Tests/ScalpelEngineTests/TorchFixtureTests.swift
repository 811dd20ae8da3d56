import Testing
import SafeTensors
@testable import ScalpelEngine

/// Compares every op, and a small residual network, with PyTorch: forward values and the
/// gradient with respect to every input and weight, to 1e-4 relative
/// (fixtures: scripts/fixtures/ops.py and network.py).
@Suite struct TorchFixtureTests {
    static let ops = try! SafeTensorsFile(contentsOf: fixturesDirectory + "/ops.safetensors")

    /// Runs fixture case `name` of ops.safetensors (see `checkFixture`).
    func check(_ name: String, _ inputs: [String], rtol: Float = 1e-4, atol: Float = 1e-5,
               sourceLocation: SourceLocation = #_sourceLocation, _ op: ([Tensor]) -> Tensor) throws {
        try checkFixture(Self.ops, name, inputs, rtol: rtol, atol: atol, sourceLocation: sourceLocation, op)
    }

    func ints(_ name: String) throws -> [Int] { try Self.ops.int64s(name).map { Int($0) } }

    @Test(arguments: KernelBackend.allCases)
    func convolutions(backend: KernelBackend) throws {
        try KernelBackend.with(backend) {
            try check("conv_s1p1", ["x", "w", "b"]) { conv2d($0[0], weight: $0[1], bias: $0[2], stride: 1, padding: 1) }
            try check("conv_s2p1", ["x", "w"]) { conv2d($0[0], weight: $0[1], stride: 2, padding: 1) }
            try check("conv_1x1_s2", ["x", "w"]) { conv2d($0[0], weight: $0[1], stride: 2) }
            try check("conv_7x7_s2p3", ["x", "w"]) { conv2d($0[0], weight: $0[1], stride: 2, padding: 3) }
        }
    }

    @Test(arguments: KernelBackend.allCases)
    func batchNorm(backend: KernelBackend) throws {
        try KernelBackend.with(backend) {
            let f = Self.ops
            let rm = try f.tensor("bn_train.running_mean"), rv = try f.tensor("bn_train.running_var")
            try check("bn_train", ["x", "w", "b"]) {
                batchNorm2d($0[0], weight: $0[1], bias: $0[2], runningMean: rm, runningVar: rv, training: true)
            }
            expectClose(rm.toArray(), try f.tensor("bn_train.running_mean_after").toArray(), "running mean")
            expectClose(rv.toArray(), try f.tensor("bn_train.running_var_after").toArray(), "running var")
            let em = try f.tensor("bn_eval.running_mean"), ev = try f.tensor("bn_eval.running_var")
            try check("bn_eval", ["x", "w", "b"]) {
                batchNorm2d($0[0], weight: $0[1], bias: $0[2], runningMean: em, runningVar: ev, training: false)
            }
        }
    }

    @Test func denseAndNormalization() throws {
        try check("linear", ["x", "w", "b"]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        try check("bmm", ["a", "b"]) { $0[0].matmul($0[1]) }
        try check("layer_norm", ["x", "w", "b"]) { layerNorm($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func activationsAndLosses() throws {
        try check("relu", ["x"]) { $0[0].relu() }
        try check("gelu", ["x"]) { $0[0].gelu() }
        try check("softmax", ["x"]) { $0[0].softmax(axis: -1) }
        try check("log_softmax", ["x"]) { $0[0].logSoftmax(axis: -1) }
        let targets = try ints("cross_entropy.targets")
        try check("cross_entropy", ["x"]) { crossEntropy($0[0], targets: targets) }
        try check("cross_entropy_ls", ["x"]) { crossEntropy($0[0], targets: targets, labelSmoothing: 0.1) }
        try check("entropy", ["x"]) { entropy(logits: $0[0]) }
    }

    @Test(arguments: KernelBackend.allCases)
    func pooling(backend: KernelBackend) throws {
        try KernelBackend.with(backend) {
            try check("max_pool", ["x"]) { maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }
            try check("avg_pool", ["x"]) { avgPool2d($0[0], kernelSize: 2, stride: 2) }
            try check("global_avg_pool", ["x"]) { globalAvgPool2d($0[0]) }
        }
    }

    @Test func shapesAndBroadcasting() throws {
        try check("broadcast_ops", ["a", "b"]) { a in (a[0] + a[1]) * a[0] - a[0] / (a[1].abs() + 1) }
        try check("concat", ["a", "b"]) { concat([$0[0], $0[1]], axis: 1) }
        try check("narrow_select", ["x"]) { x in
            x[0].narrow(axis: 1, start: 1, length: 2) * 2 + x[0].select(axis: 1, index: 0).reshaped([2, 1, 3])
        }
        try check("mean_sum", ["x"]) { x in x[0].mean(axes: [0, 2]) + x[0].sum(axes: [1]).sum(axes: [0]).mean() }
    }
}
