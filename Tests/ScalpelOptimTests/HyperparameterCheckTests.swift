import Testing
import ScalpelEngine
@testable import ScalpelOptim

/// `Adam` and `SGD` refuse hyperparameters outside their ranges (HyperparameterCheck.swift): the
/// problem names the parameter (or the tensor of a learning-rate multiplier), its range and the
/// value; the initializers (and setting `learningRate` or `learningRateScale`) trap on one; the edges of every range are accepted and step to finite values.
@Suite struct HyperparameterCheckTests {
    static func adamProblems(lr: Float = 1e-3, b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8,
                             wd: Float = 0) -> [String] {
        Adam.problems(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd).compactMap { $0 }
    }

    static func sgdProblems(lr: Float = 0.1, momentum: Float = 0, wd: Float = 0, nesterov: Bool = false) -> [String] {
        SGD.problems(learningRate: lr, momentum: momentum, weightDecay: wd, nesterov: nesterov).compactMap { $0 }
    }

    @Test func adamRefusesEachValueOutsideItsRange() {
        #expect(Self.adamProblems().isEmpty)
        #expect(Self.adamProblems(lr: .nan) == ["learningRate must be a finite number ≥ 0, got nan"])
        #expect(Self.adamProblems(lr: -1e-3) == ["learningRate must be a finite number ≥ 0, got -0.001"])
        #expect(Self.adamProblems(lr: .infinity) == ["learningRate must be a finite number ≥ 0, got inf"])
        #expect(Self.adamProblems(b1: 1) == ["beta1 must be in [0, 1), got 1.0"])
        #expect(Self.adamProblems(b1: -0.1) == ["beta1 must be in [0, 1), got -0.1"])
        #expect(Self.adamProblems(b2: 1.5) == ["beta2 must be in [0, 1), got 1.5"])
        #expect(Self.adamProblems(b2: .nan) == ["beta2 must be in [0, 1), got nan"])
        #expect(Self.adamProblems(eps: 0) == ["epsilon must be a finite number > 0, got 0.0"])
        #expect(Self.adamProblems(eps: -1e-8) == ["epsilon must be a finite number > 0, got -1e-08"])
        #expect(Self.adamProblems(eps: .infinity) == ["epsilon must be a finite number > 0, got inf"])
        #expect(Self.adamProblems(wd: -0.01) == ["weightDecay must be a finite number ≥ 0, got -0.01"])
        #expect(Self.adamProblems(wd: .nan) == ["weightDecay must be a finite number ≥ 0, got nan"])
        // Every problem is reported, in the initializer's order.
        #expect(Self.adamProblems(lr: -1, b1: 1, b2: 1, eps: 0, wd: -1).count == 5)
    }

    @Test func sgdRefusesEachValueOutsideItsRange() {
        #expect(Self.sgdProblems().isEmpty)
        #expect(Self.sgdProblems(lr: .nan) == ["learningRate must be a finite number ≥ 0, got nan"])
        #expect(Self.sgdProblems(lr: -0.5) == ["learningRate must be a finite number ≥ 0, got -0.5"])
        #expect(Self.sgdProblems(momentum: 1) == ["momentum must be in [0, 1), got 1.0"])
        #expect(Self.sgdProblems(momentum: -0.9) == ["momentum must be in [0, 1), got -0.9"])
        #expect(Self.sgdProblems(wd: -.infinity) == ["weightDecay must be a finite number ≥ 0, got -inf"])
        #expect(Self.sgdProblems(wd: .infinity) == ["weightDecay must be a finite number ≥ 0, got inf"])
        #expect(Self.sgdProblems(nesterov: true) == ["Nesterov momentum needs momentum > 0, got 0.0"])
    }

    /// The edges of every range: η = 0, β = 0, β and μ just below 1, the smallest positive ε,
    /// λ = 0. Each optimizer is made and takes three steps to finite parameters.
    @Test func theEdgesOfEveryRangeAreAccepted() {
        let below1 = Float(1).nextDown
        #expect(Self.adamProblems(lr: 0, b1: 0, b2: 0, eps: .leastNonzeroMagnitude, wd: 0).isEmpty)
        #expect(Self.adamProblems(b1: below1, b2: below1, eps: 1, wd: 10).isEmpty)
        #expect(Self.sgdProblems(lr: 0, momentum: below1, wd: 0, nesterov: true).isEmpty)
        let optimizers: [Optimizer] = [
            Adam(learningRate: 0, beta1: 0, beta2: 0, epsilon: .leastNonzeroMagnitude),
            Adam(learningRate: 1e-2, beta1: below1, beta2: below1, epsilon: 1, weightDecay: 10),
            Adam.adamW(learningRate: 1e-2, beta1: 0, beta2: 0.5, weightDecay: 0),
            SGD(learningRate: 0), SGD(learningRate: 1e-2, momentum: below1, nesterov: true),
        ]
        for optimizer in optimizers {
            let p = Tensor(shape: [3], data: [1, -2, 3])
            for _ in 0..<3 {
                p.grad = Tensor(shape: [3], data: [0.5, -0.25, 0])
                optimizer.step([("p", p)])
            }
            #expect(p.toArray().allSatisfy { $0.isFinite }, "\(type(of: optimizer)): \(p.toArray())")
        }
    }

    /// Per-tensor learning-rate multipliers: finite and ≥ 0; the first bad one by name is named.
    @Test func learningRateScalesMustBeFiniteAndNonNegative() {
        #expect(HyperparameterCheck.learningRateScale([:]) == nil)
        #expect(HyperparameterCheck.learningRateScale(["a": 0, "b": 1, "c": 1e6, "d": -0.0]) == nil)
        #expect(HyperparameterCheck.learningRateScale(["conv1.weight": .nan])
                == "learningRateScale[\"conv1.weight\"] must be a finite number ≥ 0, got nan")
        #expect(HyperparameterCheck.learningRateScale(["fc.bias": -0.5, "fc.weight": 1])
                == "learningRateScale[\"fc.bias\"] must be a finite number ≥ 0, got -0.5")
        #expect(HyperparameterCheck.learningRateScale(["z": -1, "layer1.0.bn1.weight": .infinity, "a": 0.5])
                == "learningRateScale[\"layer1.0.bn1.weight\"] must be a finite number ≥ 0, got inf")
    }

    /// Valid multipliers scale each tensor's step: with SGD, a multiplier of 0 leaves its tensor
    /// in place and 2 moves it twice as far as the base rate (θ − 2·η·g); removing one restores 1.
    @Test func validScalesScaleEachTensorsStep() {
        let sgd = SGD(learningRate: 0.5)
        sgd.learningRateScale = ["frozen": 0, "double": 2]
        let (frozen, double, plain) = (Tensor(shape: [2], data: [1, 2]), Tensor(shape: [2], data: [1, 2]),
                                       Tensor(shape: [2], data: [1, 2]))
        for p in [frozen, double, plain] { p.grad = Tensor(shape: [2], data: [0.25, -1]) }
        sgd.step([("frozen", frozen), ("double", double), ("plain", plain)])
        #expect(frozen.toArray() == [1, 2])
        #expect(double.toArray() == [0.75, 3])
        #expect(plain.toArray() == [0.875, 2.5])
        sgd.learningRateScale["double"] = nil
        #expect(sgd.learningRateScale == ["frozen": 0])
    }

    @Test func settingANaNLearningRateScaleTraps() async {
        await #expect(processExitsWith: .failure) {
            let sgd = SGD(learningRate: 0.1)
            sgd.learningRateScale["layer1.0.conv1.weight"] = .nan
        }
    }

    @Test func settingANegativeLearningRateScaleTrapsNamingTheTensor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let adam = Adam()
            adam.learningRateScale = ["fc.weight": 1, "fc.bias": -0.5]
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("Adam: learningRateScale[\"fc.bias\"] must be a finite number ≥ 0, got -0.5"), "\(text)")
    }

    @Test func adamTrapsOnABetaOfOne() async {
        await #expect(processExitsWith: .failure) { _ = Adam(beta1: 1) }
    }

    @Test func adamTrapsOnAZeroEpsilon() async {
        await #expect(processExitsWith: .failure) { _ = Adam(epsilon: 0) }
    }

    @Test func adamWTrapsOnANegativeWeightDecay() async {
        await #expect(processExitsWith: .failure) { _ = Adam.adamW(weightDecay: -1e-2) }
    }

    @Test func sgdTrapsOnANaNLearningRate() async {
        await #expect(processExitsWith: .failure) { _ = SGD(learningRate: .nan) }
    }

    @Test func sgdTrapsOnAMomentumOfOne() async {
        await #expect(processExitsWith: .failure) { _ = SGD(learningRate: 0.1, momentum: 1) }
    }

    @Test func settingANegativeLearningRateTraps() async {
        await #expect(processExitsWith: .failure) {
            let adam = Adam()
            adam.learningRate = -1
        }
    }
}

