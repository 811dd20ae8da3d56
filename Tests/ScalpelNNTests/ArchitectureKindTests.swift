import Testing
@testable import ScalpelNN

/// The typed `Architecture` (issue 16): the spellings flags, specifications and checkpoints use
/// parse to it and back unchanged, unknown names are refused with the list, and `build()` makes
/// the family the enum names.
@Suite struct ArchitectureKindTests {
    /// The names recorded in existing specifications, databases and checkpoint metadata.
    static let recordedNames = ["resnet8", "resnet14", "resnet20", "resnet26", "resnet32", "resnet18", "resnet34",
                                "resnet50", "resnet101", "efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2",
                                "efficientnet-lite3", "efficientnet-lite4", "mobilenet_v2", "vit", "vit-tiny", "vit_b_16", "vit_tv_tiny",
                                "mlp2"]

    @Test func recordedNamesParseAndRoundTrip() throws {
        for name in Self.recordedNames { #expect(try Architecture(parsing: name).rawValue == name) }
        #expect(ModelConfiguration.architectures == Self.recordedNames)
    }

    @Test func anUnknownNameIsRefusedWithTheAcceptedOnes() {
        #expect(throws: ModelError.self) { try Architecture(parsing: "resnet27") }
        #expect(throws: ModelError.self) { try ModelConfiguration(architecture: "ResNet26").build() }
        let message = String(describing: ModelError.unknownArchitecture("resnet27"))
        #expect(message.contains("'resnet27'") && message.contains("efficientnet-lite0") && message.contains("mlp2"))
    }

    @Test(arguments: [Architecture.resnet8, .resnet20, .mlp2])
    func buildMakesTheNamedModel(_ architecture: Architecture) throws {
        let model = try ModelConfiguration(architecture, inChannels: 1, classes: 4, imageSize: 8).build()
        #expect(model.architecture == architecture.rawValue)
    }

    @Test func familiesCarryTheirSizes() {
        #expect(Architecture.resnet26.family == .cifarResNet(depth: 26))
        #expect(Architecture.resnet50.family == .torchvisionResNet(.resnet50))
        #expect(Architecture.efficientNetLite3.family == .efficientNetLite(.lite3))
        #expect(Architecture.vitTiny.family == .visionTransformer)
        #expect(Architecture.vitB16.family == .torchvisionViT(.vitB16))
    }
}
