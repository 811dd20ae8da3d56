import ScalpelEngine

/// Modules held in order and named `0`, `1`, … (PyTorch `nn.ModuleList` / `nn.Sequential` names).
public final class ModuleList<Element: Module>: Module {
    /// The modules, in order; item i is the child named `"i"`.
    public let items: [Element]

    /// A list holding `items` in the given order.
    public init(_ items: [Element]) { self.items = items }

    /// The items named by their index: `("0", items[0])`, `("1", items[1])`, ….
    public override func children() -> [(String, Module)] { items.enumerated().map { ("\($0.offset)", $0.element) } }
}
