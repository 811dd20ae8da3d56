extension Tensor {
    /// Computes the gradient of this tensor with respect to every leaf that requires one,
    /// accumulating into the leaves' `grad` (gradients add up over calls, as in PyTorch).
    ///
    /// `gradient` defaults to 1 for a one-element tensor. The graph is released afterwards.
    public func backward(_ gradient: Tensor? = nil) {
        precondition(requiresGrad, "backward: the tensor does not require a gradient")
        let seed: Tensor
        if let gradient {
            precondition(gradient.shape == shape, "backward: gradient shape \(gradient.shape) for \(shape)")
            seed = gradient
        } else {
            precondition(count == 1, "backward: implicit gradient only for one-element tensors, not \(shape)")
            seed = Tensor(repeating: 1, shape: shape)
        }
        withNoGrad { runBackward(from: seed) }
    }

    private func runBackward(from seed: Tensor) {
        // Topological order of the recorded graph (iterative depth-first post-order).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            guard visited.insert(ObjectIdentifier(t)).inserted else { continue }
            stack.append((t, true))
            if let node = t.gradFn {
                for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                    stack.append((input, false))
                }
            }
        }

        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        for t in order.reversed() {
            guard let g = grads.removeValue(forKey: ObjectIdentifier(t)) else { continue }
            guard let node = t.gradFn else {
                t.accumulateGrad(g)
                continue
            }
            guard let fn = node.backward else {
                fatalError("backward: the graph through '\(node.op)' was already released by an earlier backward()")
            }
            let inputGrads = fn(g, node.needs)
            for (i, input) in node.inputs.enumerated() where node.needs[i] {
                guard let gi = inputGrads[i] else { continue }
                precondition(gi.shape == input.shape,
                             "backward of \(node.op): gradient shape \(gi.shape) for input \(input.shape)")
                let key = ObjectIdentifier(input)
                if let existing = grads[key] { grads[key] = existing.adding(gi) } else { grads[key] = gi }
            }
            // Release the saved activations of this node.
            node.backward = nil
            node.inputs = []
            t.gradFn = nil
        }
    }

    func accumulateGrad(_ g: Tensor) {
        let g = g.converted(to: format)
        if let existing = grad {
            existing.addInPlace(g)
        } else {
            // Own the gradient's storage: `g` may alias another tensor's gradient (add's backward
            // passes one buffer to both inputs), and later accumulation writes in place.
            grad = g.clone()
        }
    }

    /// Sets `grad` to nil.
    public func zeroGrad() { grad = nil }
}
