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
        let x = try f.tensor("input")
        let labels = try f.int64s("labels").map { Int($0) }

        model.eval()
        let evalLogits = withNoGrad { model(x) }
        expectClose(evalLogits.toArray(), try f.floats("logits_eval"), rtol: 1e-4, atol: 1e-5, "\(config) eval logits")

        model.train()
        let logits = model(x)
        let loss = crossEntropy(logits, targets: labels)
        loss.backward()
        expectClose(logits.toArray(), try f.floats("logits_train"), rtol: 1e-4, atol: 1e-5, "\(config) train logits")
        expectClose([loss.item], try f.floats("loss"), rtol: 1e-4, "\(config) loss")
        for (name, p) in model.namedParameters() {
            guard let g = p.grad?.toArray() else { Issue.record("\(config): no gradient for \(name)"); continue }
            let norm = try f.floats("gradnorm.\(name)")[0]
            let myNorm = Float(g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
            expectClose([myNorm], [norm], rtol: 1e-3, atol: 1e-7, "\(config) ‖∂\(name)‖")
            let sketch = try f.floats("gradsketch.\(name)")
            let mine = (0..<sketch.count).map { k in
                let h = DeterministicFill.fnv1a("probe\(k).\(name)")
                var dot = 0.0
                for i in 0..<g.count { dot += Double(DeterministicFill.int(h, i) - 2048) / 2048 * Double(g[i]) }
                return Float(dot)
            }
            // Projections on directions with entries in [-1, 1): compared to 1e-3 of the norm.
            expectClose(mine, sketch, rtol: 1e-3, atol: 1e-3 * norm + 1e-9, "\(config) ∂\(name) sketch")
        }
        for (block, parameters) in model.parametersByBlock() {
            let expected = try f.int64s("blockcount.\(block)")[0]
            #expect(parameters.reduce(0) { $0 + $1.1.count } == Int(expected), "\(config) \(block) parameter count")
        }
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
