import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelOptim

/// SGD, Adam and AdamW against PyTorch: 5 steps on L(θ, b) = Σ (c ⊙ θ + b − t)²
/// (scripts/fixtures/optim.py) give the same parameters within 1e-5 relative.
@Suite struct OptimizerFixtureTests {
    static let file: SafeTensorsFile = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return try! SafeTensorsFile(contentsOf: parts.joined(separator: "/") + "/Fixtures/optim.safetensors")
    }()

    /// The optimizer of each fixture case, configured as in scripts/fixtures/optim.py.
    static func optimizer(_ name: String) -> Optimizer {
        switch name {
        case "sgd": SGD(learningRate: 0.05)
        case "sgd_momentum_wd": SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-2)
        case "sgd_nesterov": SGD(learningRate: 0.05, momentum: 0.8, nesterov: true)
        case "adam": Adam(learningRate: 1e-2)
        case "adam_wd": Adam(learningRate: 1e-2, weightDecay: 1e-1)
        default: Adam.adamW(learningRate: 1e-2, weightDecay: 1e-1)
        }
    }

    @Test(arguments: ["sgd", "sgd_momentum_wd", "sgd_nesterov", "adam", "adam_wd", "adamw"])
    func fiveStepsMatchPyTorch(name: String) throws {
        let f = Self.file
        let theta = try f.tensor("theta0"), bias = try f.tensor("bias0")
        let c = try f.tensor("c"), t = try f.tensor("t")
        theta.requiresGrad = true
        bias.requiresGrad = true
        let optimizer = Self.optimizer(name)
        for _ in 0..<5 {
            theta.grad = nil
            bias.grad = nil
            ((c * theta + bias - t).square()).sum().backward()
            optimizer.step([("theta", theta), ("bias", bias)])
        }
        for (value, key) in [(theta, "theta"), (bias, "bias")] {
            let expected = try f.floats("\(name).\(key)")
            for (a, b) in zip(value.toArray(), expected) {
                #expect(abs(a - b) <= 1e-5 * abs(b) + 1e-7, "\(name) \(key): \(a) vs \(b)")
            }
        }
    }

    @Test func resetStateForgetsMomentsAndScaleMultipliesTheRate() {
        let p = Tensor(shape: [1], data: [1], requiresGrad: true)
        p.grad = Tensor(shape: [1], data: [1])
        let a = Adam(learningRate: 0.1)
        a.step([("p", p)])
        let afterOne = p.toArray()[0]
        a.resetState()
        a.learningRateScale["p"] = 0
        a.step([("p", p)])
        #expect(p.toArray()[0] == afterOne, "a zero multiplier freezes the tensor")
        a.learningRateScale["p"] = 1
        a.step([("p", p)])
        // A fresh state's first Adam step moves by lr (bias-corrected m/√v = 1).
        #expect(abs(p.toArray()[0] - (afterOne - 0.1)) < 1e-6)
    }
}
