import Foundation
import Testing
import SafeTensors
@testable import ScalpelNN

/// Architecture detection on the `state_dict` names and shapes PyTorch's own models have
/// (scripts/fixtures/models2.py, architectures.safetensors), on Scalpel's CIFAR ResNets and
/// ViT, and on files that fit no family or several.
@Suite struct ArchitectureDetectionTests {
    static func pytorchState(_ key: String) throws -> (names: [String], shapes: [[Int]]) {
        let json = try #require(FamilyFixtureTests.architectures.metadata[key])
        let pairs = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[Any]]
        return (pairs.map { $0[0] as! String }, pairs.map { $0[1] as! [Int] })
    }

    @Test(arguments: [("efficientnet-lite0", "efficientnet-lite0"), ("efficientnet-lite1", "efficientnet-lite1"),
                      ("efficientnet-lite2", "efficientnet-lite2"), ("efficientnet-lite3", "efficientnet-lite3"),
                      ("efficientnet-lite4", "efficientnet-lite4"), ("mobilenet_v2@1.0", "mobilenet_v2"),
                      ("resnet18", "resnet18"), ("resnet34", "resnet34"), ("resnet50", "resnet50"),
                      ("resnet101", "resnet101")])
    func recognisesPyTorchsModels(key: String, architecture: String) throws {
        let (names, shapes) = try Self.pytorchState(key)
        let config = try ArchitectureDetection.detect(names: names, shapes: shapes)
        #expect(config.architecture == architecture)
        #expect(config.classes == 1000 && config.inChannels == 3)
    }

    @Test func refusesSizesScalpelDoesNotBuild() throws {
        let (names, shapes) = try Self.pytorchState("mobilenet_v2@0.75")
        #expect(throws: ArchitectureDetectionError.self) { try ArchitectureDetection.detect(names: names, shapes: shapes) }
    }

    @Test(arguments: [(1, 3, 10), (2, 1, 7)])
    func recognisesCIFARResNetsDepthWidthAndChannels(blocks: Int, channels: Int, classes: Int) throws {
        for width in [1, 2] {
            let model = CIFARResNet(inChannels: channels, classes: classes, width: width, blocksPerStage: blocks)
            let state = model.stateDict()
            let config = try ArchitectureDetection.detect(names: state.map(\.name), shapes: state.map(\.tensor.shape))
            #expect(config == ModelConfiguration(architecture: "resnet\(6 * blocks + 2)", inChannels: channels,
                                                 classes: classes, width: width))
        }
    }

    @Test func recognisesFilesWrittenByPyTorch() throws {
        // State dicts saved by scripts/fixtures/models.py with safetensors (no Scalpel metadata).
        let resnet = try SafeTensorsFile(contentsOf: FamilyFixtureTests.directory + "/resnet26_c1_w1.checkpoint.safetensors")
        #expect(try ArchitectureDetection.detect(resnet)
                == ModelConfiguration(architecture: "resnet26", inChannels: 1, classes: 10, width: 1))
        let vit = try SafeTensorsFile(contentsOf: FamilyFixtureTests.directory + "/vit_small.checkpoint.safetensors")
        let config = try ArchitectureDetection.detect(vit)
        #expect(config.architecture == "vit" && config.imageSize == 16 && config.inChannels == 3)
    }

    @Test func recognisesViTAndItsImageSize() throws {
        let model = VisionTransformer(imageSize: 28, patchSize: 4, inChannels: 1, classes: 10, dim: 32, depth: 2, heads: 2)
        let state = model.stateDict()
        let config = try ArchitectureDetection.detect(names: state.map(\.name), shapes: state.map(\.tensor.shape))
        #expect(config.architecture == "vit" && config.imageSize == 28 && config.inChannels == 1 && config.classes == 10)
    }

    @Test func unknownAndAmbiguousNamesAreErrorsThatSaySo() throws {
        let unknown = #expect(throws: ArchitectureDetectionError.self) {
            try ArchitectureDetection.detect(names: ["encoder.layers.0.weight"], shapes: [[4, 4]])
        }
        #expect(unknown?.description.contains("known families: efficientnet-lite, mobilenet_v2, resnet, vit") == true)
        let (a, sa) = try Self.pytorchState("resnet18")
        let (b, sb) = try Self.pytorchState("efficientnet-lite0")
        let both = #expect(throws: ArchitectureDetectionError.self) {
            try ArchitectureDetection.detect(names: a + b, shapes: sa + sb)
        }
        #expect(both == .ambiguous(["efficientnet-lite", "resnet"]))
    }
}
