import Testing
import SafeTensors
@testable import ScalpelEngine

/// Runs op fixture case `name` of `file` (written by scripts/fixtures/ops.py or ops2.py):
/// loads `inputs`, applies `op`, compares the output and the gradient of Σ probe ⊙ y (or of
/// y itself when scalar) with PyTorch's.
func checkFixture(_ f: SafeTensorsFile, _ name: String, _ inputs: [String], rtol: Float = 1e-4, atol: Float = 1e-5,
                  sourceLocation: SourceLocation = #_sourceLocation, _ op: ([Tensor]) -> Tensor) throws {
    let xs = try inputs.map { try f.tensor("\(name).\($0)") }
    for x in xs { x.requiresGrad = true }
    let y = op(xs)
    let expected = try f.tensor("\(name).out")
    #expect(y.shape == expected.shape, "\(name): shape \(y.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    expectClose(y.toArray(), expected.toArray(), rtol: rtol, atol: atol, "\(name) forward", sourceLocation: sourceLocation)
    let loss = f.contains("\(name).probe") ? (y * (try f.tensor("\(name).probe"))).sum() : y
    loss.backward()
    for (input, x) in zip(inputs, xs) where f.contains("\(name).grad.\(input)") {
        let g = try f.tensor("\(name).grad.\(input)")
        guard let grad = x.grad else {
            Issue.record("\(name): no gradient for \(input)", sourceLocation: sourceLocation)
            continue
        }
        expectClose(grad.toArray(), g.toArray(), rtol: rtol, atol: atol, "\(name) ∂\(input)", sourceLocation: sourceLocation)
    }
}
