/// A recorded operation: its inputs and the closure that maps the gradient of its output
/// to the gradients of its inputs (the vector–Jacobian product).
///
/// `needs[i]` tells the closure whether input `i` wants a gradient, so it can skip work
/// nobody uses: a convolution whose input comes from frozen layers computes no input
/// gradient, and a frozen weight gets no weight gradient.
final class GradNode {
    let op: String
    var inputs: [Tensor]
    let needs: [Bool]
    var backward: ((Tensor, [Bool]) -> [Tensor?])?

    init(op: String, inputs: [Tensor], backward: @escaping (Tensor, [Bool]) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.needs = inputs.map(\.requiresGrad)
        self.backward = backward
    }
}

/// Records `out = op(inputs)` when grad mode is on and some input requires a gradient.
///
/// The closure receives the output's gradient and `needs`, and returns one gradient (or nil)
/// per input. It must not capture `out` itself (that would be a reference cycle): capture
/// `out.detached()` when the backward pass needs the output's values.
@inline(__always)
func recordOp(_ op: String, _ out: Tensor, _ inputs: [Tensor],
              _ backward: @escaping (_ gradOut: Tensor, _ needs: [Bool]) -> [Tensor?]) {
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return }
    out.requiresGrad = true
    out.gradFn = GradNode(op: op, inputs: inputs, backward: backward)
}
