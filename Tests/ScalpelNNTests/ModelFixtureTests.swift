import Foundation
import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// Scalpel's models against their PyTorch twins (scripts/fixtures/models.py), filled with
/// the same deterministic weights: eval-mode logits within 1e-4 relative; in train mode the
/// loss, and every parameter's gradient within 1e-3 relative: its norm, and 8 projections on
/// fixed pseudo-random directions (within 1e-3 of the norm; see scripts/fixtures/models.py for
/// why projections); per-block parameter counts equal.
@Suite struct ModelFixtureTests {
    static let directory = fixturesRoot + "/models"

    static func model(_ config: String) -> BlockModel {
        switch config {
        case "resnet26_c1_w1": CIFARResNet(inChannels: 1, classes: 10, width: 1)
        case "resnet26_c3_w1": CIFARResNet(inChannels: 3, classes: 10, width: 1)
        case "resnet26_c1_w2": CIFARResNet(inChannels: 1, classes: 10, width: 2)
        case "resnet26_c3_w2": CIFARResNet(inChannels: 3, classes: 10, width: 2)
        case "resnet18": TorchvisionResNet(.resnet18, inChannels: 3, classes: 10)
        default: VisionTransformer(imageSize: 16, patchSize: 4, inChannels: 3, classes: 10, dim: 32, depth: 2, heads: 2)
        }
    }

    @Test(arguments: ["resnet26_c1_w1", "resnet26_c3_w1", "resnet26_c1_w2", "resnet26_c3_w2", "resnet18", "vit_small"])
    func matchesPyTorch(config: String) throws {
        let f = try SafeTensorsFile(contentsOf: "\(Self.directory)/\(config).safetensors")
        let model = Self.model(config)
        let checkpoint = "\(Self.directory)/\(config).checkpoint.safetensors"
        if FileManager.default.fileExists(atPath: checkpoint) {
            // A file written by PyTorch itself (float16, exact for these weights).
            try Checkpoint.load(model, from: checkpoint)
            for e in model.stateDict() {
                #expect(e.tensor.toArray() == DeterministicFill.values(e.name, e.tensor.shape), "\(e.name)")
            }
        } else {
            DeterministicFill.fill(model)
        }
        try checkAgainstPyTorch(model, fixture: f, config: config)
    }
}

let fixturesRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)  // ScalpelNNTests/ModelFixtureTests.swift
    return parts.joined(separator: "/") + "/Fixtures"
}()

/// Asserts two arrays agree elementwise: |a − b| ≤ atol + rtol·|b|.
func expectClose(_ a: [Float], _ b: [Float], rtol: Float, atol: Float = 0, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
    for i in 0..<min(a.count, b.count) where Swift.abs(a[i] - b[i]) > atol + rtol * Swift.abs(b[i]) {
        Issue.record("\(what): entry \(i): \(a[i]) vs \(b[i])", sourceLocation: sourceLocation)
        return
    }
}
