import Testing
import SafeTensors
@testable import ScalpelEngine

/// A small residual network (conv, BN in train mode, ReLU, max-pool, residual add with a
/// strided 1×1 shortcut, global average pooling, linear, cross-entropy) against PyTorch:
/// logits, loss, every gradient, and the BN running statistics after the step.
@Suite struct ResidualNetworkFixtureTests {
    @Test(arguments: KernelBackend.allCases)
    func matchesPyTorch(backend: KernelBackend) throws {
        let f = try SafeTensorsFile(contentsOf: fixturesDirectory + "/network.safetensors")
        var p: [String: Tensor] = [:]
        for name in f.names where name.hasPrefix("param.") {
            let t = try f.tensor(name)
            let key = String(name.dropFirst("param.".count))
            t.requiresGrad = !key.contains("running") && !key.contains("num_batches")
            p[key] = t
        }
        func bn(_ x: Tensor, _ n: String) -> Tensor {
            batchNorm2d(x, weight: p["\(n).weight"]!, bias: p["\(n).bias"]!, runningMean: p["\(n).running_mean"]!,
                        runningVar: p["\(n).running_var"]!, training: true)
        }
        let x = try f.tensor("input")
        x.requiresGrad = true
        let labels = try f.int64s("labels").map { Int($0) }
        let (logits, loss) = KernelBackend.with(backend) { () -> (Tensor, Tensor) in
            var h = bn(conv2d(x, weight: p["conv1.weight"]!, padding: 1), "bn1").relu()
            h = maxPool2d(h, kernelSize: 3, stride: 1, padding: 1)
            let r = bn(conv2d(h, weight: p["conv2.weight"]!, padding: 1), "bn2").relu()
            let y = (bn(conv2d(r, weight: p["conv3.weight"]!, stride: 2, padding: 1), "bn3")
                     + conv2d(h, weight: p["shortcut.weight"]!, stride: 2)).relu()
            let logits = linear(globalAvgPool2d(y), weight: p["fc.weight"]!, bias: p["fc.bias"]!)
            let loss = crossEntropy(logits, targets: labels)
            loss.backward()
            return (logits, loss)
        }
        expectClose(logits.toArray(), try f.tensor("logits").toArray(), rtol: 1e-4, atol: 1e-5, "logits")
        expectClose([loss.item], try f.tensor("loss").toArray(), rtol: 1e-4, "loss")
        expectClose(x.grad!.toArray(), try f.tensor("grad.input").toArray(), rtol: 1e-4, atol: 1e-6, "∂input")
        for name in f.names where name.hasPrefix("grad.") && name != "grad.input" {
            let key = String(name.dropFirst("grad.".count))
            expectClose(p[key]!.grad!.toArray(), try f.tensor(name).toArray(), rtol: 1e-4, atol: 1e-6, "∂\(key)")
        }
        for name in f.names where name.hasPrefix("after.") {
            let key = String(name.dropFirst("after.".count))
            expectClose(p[key]!.toArray(), try f.tensor(name).toArray(), rtol: 1e-5, atol: 1e-6, key)
        }
    }
}
