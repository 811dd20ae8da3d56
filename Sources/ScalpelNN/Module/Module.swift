import ScalpelEngine

/// How a state entry is stored in a checkpoint. Everything is Float32 in memory; PyTorch
/// stores BatchNorm's `num_batches_tracked` as int64, and so do Scalpel's checkpoints.
public enum StoredType: Sendable {
    /// Stored as float32.
    case float32
    /// Stored as int64 (the values are whole numbers kept as Float in memory).
    case int64
}

/// A buffer: module state that is saved with the model but is not trained
/// (BatchNorm running statistics, `num_batches_tracked`).
public struct Buffer {
    /// The buffer's values (Float32 in memory, whatever `storedAs` says).
    public let tensor: Tensor
    /// How the buffer is written to and read from checkpoints (default Float32).
    public let storedAs: StoredType
    /// A buffer over `tensor` (shared, not copied), stored in checkpoints as `storedAs`.
    public init(_ tensor: Tensor, storedAs: StoredType = .float32) {
        self.tensor = tensor
        self.storedAs = storedAs
    }
}

/// A layer or model: owns parameters and buffers and child modules, each under the name
/// PyTorch's `state_dict` gives it, so checkpoints and selections carry over unchanged.
///
/// Subclasses list their own state with `ownParameters()` / `ownBuffers()` and their
/// children with `children()`, in PyTorch's registration order; everything else
/// (`namedParameters()`, `stateDict()`, `freeze`, `train`) is derived from these.
open class Module {
    /// Training mode (batch statistics in BatchNorm). Set with `train(batchNorm:)`, `train(_:)`
    /// or `eval()` for the whole tree; `withMode(_:_:)` sets it for a scope.
    public var isTraining: Bool = true

    /// A module with no parameters, buffers or children, in training mode.
    public init() {}

    /// Direct sub-modules and their attribute names (`"layer1"`, `"0"`, `"downsample"`).
    open func children() -> [(String, Module)] { [] }

    /// This module's own parameters (not its children's), e.g. `[("weight", w), ("bias", b)]`.
    open func ownParameters() -> [(String, Tensor)] { [] }

    /// This module's own buffers.
    open func ownBuffers() -> [(String, Buffer)] { [] }

    /// Called by `train(_:)`; override to react to mode changes.
    open func didSetTraining() {}
}

extension Module {
    /// Every parameter of the tree with its full dotted name, in `state_dict` order.
    public func namedParameters() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        visit(prefix: "") { prefix, m in
            for (n, p) in m.ownParameters() { out.append((prefix + n, p)) }
        }
        return out
    }

    /// Every buffer of the tree with its full dotted name.
    public func namedBuffers() -> [(String, Buffer)] {
        var out: [(String, Buffer)] = []
        visit(prefix: "") { prefix, m in
            for (n, b) in m.ownBuffers() { out.append((prefix + n, b)) }
        }
        return out
    }

    /// Every module of the tree with its dotted name (the root is `""`).
    public func namedModules() -> [(String, Module)] {
        var out: [(String, Module)] = []
        visit(prefix: "") { prefix, m in out.append((prefix.isEmpty ? "" : String(prefix.dropLast()), m)) }
        return out
    }

    /// Pre-order walk: a module's own state before its children's, as PyTorch orders `state_dict`.
    func visit(prefix: String, _ body: (String, Module) -> Void) {
        body(prefix, self)
        for (name, child) in children() { child.visit(prefix: prefix + name + ".", body) }
    }

    /// Sets training mode on the whole tree (`model.train()` / `model.eval()` in PyTorch).
    ///
    /// Pitfall: `train()` puts every BatchNorm in training mode too, so each forward pass moves
    /// the running statistics of every block, frozen or not. Before fine-tuning, use
    /// `train(batchNorm: .frozen)` (or `.updating` to let the statistics move deliberately).
    public func train(_ on: Bool = true) {
        visit(prefix: "") { _, m in
            m.isTraining = on
            m.didSetTraining()
        }
    }

    /// Evaluation mode on the whole tree.
    public func eval() { train(false) }

    /// Parameters that currently require a gradient.
    public func trainableParameters() -> [(String, Tensor)] { namedParameters().filter { $0.1.requiresGrad } }

    /// Total number of parameter elements.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.count } }

    /// Number of parameter elements that require a gradient.
    public var trainableParameterCount: Int { trainableParameters().reduce(0) { $0 + $1.1.count } }

    /// Stops gradients for every parameter (or those whose names are in `names`).
    public func freeze(_ names: Set<String>? = nil) { setRequiresGrad(false, names) }

    /// Lets gradients flow to every parameter (or those whose names are in `names`).
    public func unfreeze(_ names: Set<String>? = nil) { setRequiresGrad(true, names) }

    private func setRequiresGrad(_ value: Bool, _ names: Set<String>?) {
        for (n, p) in namedParameters() where names == nil || names!.contains(n) { p.requiresGrad = value }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for (_, p) in namedParameters() { p.grad = nil } }
}
