import ScalpelEngine

/// A unit of surgery: a contiguous group of layers, named as in the paper
/// (`stem`, `block1`…, `last`), holding the parameters under some module prefixes.
public struct Block: Sendable, Equatable {
    /// The block's name as used in selections (`stem`, `block1`, …, `last`).
    public let name: String
    /// Dotted module names whose parameters belong to this block (`"conv1"`, `"layer1"`).
    public let modules: [String]

    /// A block called `name` owning the parameters under the dotted module prefixes `modules`.
    public init(_ name: String, modules: [String]) {
        self.name = name
        self.modules = modules
    }

    /// Whether the parameter or buffer named `name` lives in this block.
    public func contains(_ name: String) -> Bool {
        modules.contains { name == $0 || name.hasPrefix($0 + ".") }
    }
}

/// A model whose forward pass is a chain of named blocks: x → block₁ → … → block_B → logits.
///
/// Running a block at a time is what lets fine-tuning skip a frozen prefix: its activations
/// can be computed once (no graph, no backward) and only the suffix trained.
open class BlockModel: Module {
    /// The architecture name (`resnet26`, `vit`, …).
    open var architecture: String { "model" }

    /// The blocks in forward order.
    open var blocks: [Block] { [] }

    /// Runs block `index` on its input.
    open func forward(block index: Int, _ x: Tensor) -> Tensor {
        fatalError("\(type(of: self)) must override forward(block:_:)")
    }

    /// The whole forward pass.
    public func callAsFunction(_ x: Tensor) -> Tensor { forward(blocks: 0..<blocks.count, x) }

    /// Runs the blocks in `range` in order.
    public func forward(blocks range: Range<Int>, _ x: Tensor) -> Tensor {
        var h = x
        for i in range { h = forward(block: i, h) }
        return h
    }

    /// The block names in order.
    public var blockNames: [String] { blocks.map(\.name) }

    /// The parameters of each block, in block order.
    public func parametersByBlock() -> [(block: String, parameters: [(String, Tensor)])] {
        let named = namedParameters()
        return blocks.map { b in (b.name, named.filter { b.contains($0.0) }) }
    }
}
