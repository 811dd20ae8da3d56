import ScalpelEngine

/// Modules held in order and named `0`, `1`, … (PyTorch `nn.ModuleList` / `nn.Sequential` names).
public final class ModuleList<Element: Module>: Module {
    public let items: [Element]

    public init(_ items: [Element]) { self.items = items }

    public override func children() -> [(String, Module)] { items.enumerated().map { ("\($0.offset)", $0.element) } }
}
