import ScalpelEngine

extension Selection {
    /// The names of the parameters this selection picks in `model`, validated against it.
    public func parameterNames(in model: BlockModel) throws -> Set<String> {
        let names = model.namedParameters().map(\.0)
        let picked = try resolve(model: model, names: names)
        guard !picked.isEmpty else { throw SelectionError.empty(description) }
        return picked
    }

    /// Names of the blocks this selection covers fully or partly, in forward order.
    public func blockNames(in model: BlockModel) throws -> [String] {
        let picked = try parameterNames(in: model)
        return model.blocks.filter { b in picked.contains { b.contains($0) } }.map(\.name)
    }

    private func resolve(model: BlockModel, names: [String]) throws -> Set<String> {
        let blocks = model.blocks
        func index(_ b: String) throws -> Int {
            guard let i = blocks.firstIndex(where: { $0.name == b }) else {
                throw SelectionError.unknownBlock(b, available: blocks.map(\.name))
            }
            return i
        }
        func members(_ range: some Sequence<Int>) -> Set<String> {
            var s = Set<String>()
            for i in range { for n in names where blocks[i].contains(n) { s.insert(n) } }
            return s
        }
        switch self {
        case .all:
            return Set(names)
        case .block(let b):
            return members([try index(b)])
        case .range(let a, let b):
            let (i, j) = (try index(a), try index(b))
            guard i <= j else { throw SelectionError.syntax(description, "'\(a)' comes after '\(b)' in the model") }
            return members(i...j)
        case .first(let n):
            guard n <= blocks.count else { throw SelectionError.outOfRange(description, blockCount: blocks.count) }
            return members(0..<n)
        case .last(let n):
            guard n <= blocks.count else { throw SelectionError.outOfRange(description, blockCount: blocks.count) }
            return members((blocks.count - n)..<blocks.count)
        case .pattern(let p):
            let regex = try Regex(p)
            let matched = Set(try names.filter { try regex.wholeMatch(in: $0) != nil })
            guard !matched.isEmpty else {
                throw SelectionError.emptyMatch(p, examples: Array(names.prefix(4)))
            }
            return matched
        case .union(let a, let b):
            return try a.resolve(model: model, names: names).union(b.resolve(model: model, names: names))
        case .exclude(let a, let b):
            return try a.resolve(model: model, names: names).subtracting(b.resolve(model: model, names: names))
        }
    }
}

extension BlockModel {
    /// Makes exactly the parameters picked by `selection` trainable and freezes the rest.
    /// Returns the picked names.
    @discardableResult
    public func setTrainable(_ selection: Selection) throws -> Set<String> {
        let names = try selection.parameterNames(in: self)
        freeze()
        unfreeze(names)
        return names
    }

    /// Parses `text` and makes exactly those parameters trainable.
    @discardableResult
    public func setTrainable(_ text: String) throws -> Set<String> { try setTrainable(Selection(parsing: text)) }
}
