import Testing
import ScalpelEngine
@testable import ScalpelNN

/// Every form of the selection language, and its errors, on ResNet-26.
@Suite struct SelectionTests {
    let model = CIFARResNet(inChannels: 1, classes: 10)

    func names(_ text: String) throws -> Set<String> { try Selection(parsing: text).parameterNames(in: model) }
    func blockParams(_ block: String) -> Set<String> {
        Set(model.parametersByBlock().first { $0.block == block }!.parameters.map(\.0))
    }

    @Test func blocksAreStemThreeStagesAndLast() {
        #expect(model.blockNames == ["stem", "block1", "block2", "block3", "last"])
        #expect(blockParams("stem") == ["conv1.weight", "bn1.weight", "bn1.bias"])
        #expect(blockParams("last") == ["fc.weight", "fc.bias"])
        let all = model.parametersByBlock().flatMap { $0.parameters.map(\.0) }
        #expect(all.count == model.namedParameters().count, "every parameter is in exactly one block")
    }

    @Test func singleBlockAllAndUnion() throws {
        #expect(try names("block2") == blockParams("block2"))
        #expect(try names("all") == Set(model.namedParameters().map(\.0)))
        #expect(try names("stem+block1") == blockParams("stem").union(blockParams("block1")))
    }

    @Test func rangesFirstAndLast() throws {
        #expect(try names("block1...block3") == blockParams("block1").union(blockParams("block2")).union(blockParams("block3")))
        #expect(try names("first:2") == blockParams("stem").union(blockParams("block1")))
        #expect(try names("last:1") == blockParams("last"))
        #expect(try names("last:2") == blockParams("block3").union(blockParams("last")))
    }

    @Test func exclusionAndPatterns() throws {
        #expect(try names("all-last") == Set(model.namedParameters().map(\.0)).subtracting(blockParams("last")))
        #expect(try names("all-stem-last") == blockParams("block1").union(blockParams("block2")).union(blockParams("block3")))
        let convs = try names(#"re:layer3\..*conv.*"#)
        #expect(!convs.isEmpty && convs.allSatisfy { $0.hasPrefix("layer3.") && $0.contains("conv") })
        #expect(convs.count == 8, "4 blocks × 2 convolutions")
        #expect(try names("stem+re:fc\\.bias") == blockParams("stem").union(["fc.bias"]))
        #expect(try names(#"all-re:.*bn.*"#).allSatisfy { !$0.contains("bn") })
    }

    @Test func canonicalDescriptionRoundTrips() throws {
        for text in ["all", "block1", "stem+block1", "block1...block3", "first:2", "last:1", "all-last", "stem+re:fc\\..*"] {
            #expect(try Selection(parsing: text).description == text)
        }
    }

    @Test func setTrainableFreezesEverythingElse() throws {
        try model.setTrainable("block3")
        #expect(Set(model.trainableParameters().map(\.0)) == blockParams("block3"))
        #expect(model.trainableParameterCount < model.parameterCount)
    }

    @Test func unknownBlockListsTheBlocks() {
        #expect(throws: SelectionError.unknownBlock("block4", available: ["stem", "block1", "block2", "block3", "last"])) {
            try names("block4")
        }
        do { _ = try names("stem+blokc1") } catch {
            #expect("\(error)".contains("stem, block1, block2, block3, last"))
        }
    }

    @Test func emptyMatchesAndBadSyntaxAreErrors() {
        #expect(throws: SelectionError.self) { try names("re:nothing\\.matches") }
        #expect(throws: SelectionError.self) { try names("first:9") }
        #expect(throws: SelectionError.self) { try names("first:0") }
        #expect(throws: SelectionError.self) { try names("block3...block1") }
        #expect(throws: SelectionError.self) { try names("stem+") }
        #expect(throws: SelectionError.self) { try names("") }
        #expect(throws: SelectionError.self) { try names("re:(") }
        #expect(throws: SelectionError.empty("last-last")) { try names("last-last") }
    }

    @Test func otherModelsHaveTheirBlocks() {
        #expect(TorchvisionResNet(.resnet18, classes: 10).blockNames == ["stem", "block1", "block2", "block3", "block4", "last"])
        let vit = VisionTransformer(imageSize: 16, patchSize: 4, classes: 10, dim: 32, depth: 3, heads: 2)
        #expect(vit.blockNames == ["embed", "block1", "block2", "block3", "last"])
        #expect(TwoLayerNetwork(inputs: 4, hidden: 3).blockNames == ["first", "last"])
    }
}
