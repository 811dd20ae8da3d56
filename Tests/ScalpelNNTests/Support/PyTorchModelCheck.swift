import Testing
import SafeTensors
import ScalpelEngine
@testable import ScalpelNN

/// Compares `model` (already filled with the fixture's weights) with its PyTorch twin's
/// record in `f` (scripts/fixtures/models.py, models2.py): eval-mode logits within 1e-4
/// relative; in train mode the logits and loss, and every parameter's gradient within 1e-3
/// relative: its norm, and 8 projections on fixed pseudo-random directions (within 1e-3 of
/// the norm); per-block parameter counts equal.
func checkAgainstPyTorch(_ model: BlockModel, fixture f: SafeTensorsFile, config: String) throws {
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
    // Gradients that are zero in exact arithmetic (a BatchNorm bias followed by a convolution
    // and a train-mode BatchNorm, which removes any per-channel shift) are float32 noise of
    // about 1e-8 of the largest gradient in both implementations: below 1e-6 of the largest
    // norm, differences are not compared.
    let floor = try model.namedParameters().map { try f.floats("gradnorm.\($0.0)")[0] }.max()! * 1e-6
    for (name, p) in model.namedParameters() {
        guard let g = p.grad?.toArray() else { Issue.record("\(config): no gradient for \(name)"); continue }
        let norm = try f.floats("gradnorm.\(name)")[0]
        let myNorm = Float(g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
        expectClose([myNorm], [norm], rtol: 1e-3, atol: max(1e-7, floor), "\(config) ‖∂\(name)‖")
        let sketch = try f.floats("gradsketch.\(name)")
        let mine = (0..<sketch.count).map { k in
            let h = DeterministicFill.fnv1a("probe\(k).\(name)")
            var dot = 0.0
            for i in 0..<g.count { dot += Double(DeterministicFill.int(h, i) - 2048) / 2048 * Double(g[i]) }
            return Float(dot)
        }
        // Projections on directions with entries in [-1, 1): compared to 1e-3 of the norm.
        expectClose(mine, sketch, rtol: 1e-3, atol: max(1e-3 * norm + 1e-9, floor), "\(config) ∂\(name) sketch")
    }
    for (block, parameters) in model.parametersByBlock() {
        let expected = try f.int64s("blockcount.\(block)")[0]
        #expect(parameters.reduce(0) { $0 + $1.1.count } == Int(expected), "\(config) \(block) parameter count")
    }
}
