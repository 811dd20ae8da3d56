import ScalpelData
import ScalpelEngine
import ScalpelNN

/// Small random models and images for fast adaptation tests.
enum Fixture {
    /// ResNet-8 (one BasicBlock per stage) on 1-channel images, random weights and non-trivial
    /// BatchNorm running statistics (as after pre-training).
    static func resnet8(seed: UInt64 = 3) -> CIFARResNet {
        let model = CIFARResNet(inChannels: 1, classes: 4, width: 1, blocksPerStage: 1, seed: seed)
        var rng = RandomGenerator(seed: seed &+ 100)
        for (_, m) in model.namedModules() {
            guard let bn = m as? BatchNorm2d else { continue }
            bn.runningMean.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = 0.2 * rng.nextNormal() } }
            bn.runningVar.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = 0.5 + rng.nextFloat() } }
        }
        model.eval()
        return model
    }

    /// `count` random 1×12×12 images with pixels in [0, 1] and labels in 0..<4.
    static func images(_ count: Int, seed: UInt64 = 5) -> ImageSet {
        var rng = RandomGenerator(seed: seed)
        let pixels = (0..<(count * 144)).map { _ in rng.nextFloat() }
        let labels = (0..<count).map { _ in rng.nextInt(below: 4) }
        return ImageSet(pixels: pixels, labels: labels, channels: 1, height: 12, width: 12, classCount: 4)
    }

    /// Every state tensor's values by name (parameters and buffers).
    static func state(_ model: Module) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.toArray()) })
    }
}

/// The image unchanged: makes MEMO's steps deterministic for tests.
struct IdentityAugmentation: ImageAugmentation {
    func apply(_ image: Image, rng: inout RandomGenerator) -> Image { image }
}
