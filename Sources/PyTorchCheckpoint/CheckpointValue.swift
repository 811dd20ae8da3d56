/// What a `.pth` file holds, as a tree: the state dict and whatever was saved around it
/// (`{"state_dict": …, "epoch": 3}`). Tuples and lists are both `.list`; dict keys are text.
public indirect enum CheckpointValue: Sendable {
    /// Python's `None`.
    case none
    /// A Python `bool`.
    case bool(Bool)
    /// An int (ints wider than 64 bits are `.bytes`, little-endian two's complement).
    case int(Int64)
    /// A Python `float` (a double).
    case float(Double)
    /// A Python `str`.
    case string(String)
    /// A Python `bytes` object, or an int wider than 64 bits (see `.int`).
    case bytes([UInt8])
    /// A tensor, any view already made contiguous.
    case tensor(TorchTensor)
    /// A list or a tuple.
    case list([CheckpointValue])
    /// A dict or an OrderedDict, in order.
    case dict([DictEntry])

    /// One entry of a dict, in the file's order.
    public struct DictEntry: Sendable {
        /// The key as text (int keys in decimal).
        public let key: String
        /// The value under it.
        public let value: CheckpointValue
    }

    /// The value under `key` when this is a dict.
    public subscript(key: String) -> CheckpointValue? {
        guard case .dict(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The tensors directly in this dict, in order (empty for anything else).
    public var tensors: [(name: String, tensor: TorchTensor)] {
        guard case .dict(let entries) = self else { return [] }
        return entries.compactMap { e in
            if case .tensor(let t) = e.value { (e.key, t) } else { nil }
        }
    }

    /// A short name of the kind of value, for errors.
    public var kind: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tensor: "tensor"
        case .list: "list"
        case .dict(let e): "dict of \(e.count)"
        }
    }
}

/// Turns the pickle's heap into a `CheckpointValue`, materialising each tensor once. Depth and
/// the number of nodes are capped, so cycles and memo-shared subtrees cannot run away.
struct TreeBuilder {
    static let maxDepth = 100
    let heap: PickleHeap
    /// The bytes of storage `index` (its view applied), checked to hold its declared elements.
    let storageBytes: (Int) throws(Malformed) -> ArraySlice<UInt8>
    var budget: Int
    var tensorCache: [Int: TorchTensor] = [:]

    init(heap: PickleHeap, budget: Int, storageBytes: @escaping (Int) throws(Malformed) -> ArraySlice<UInt8>) {
        self.heap = heap
        self.budget = budget
        self.storageBytes = storageBytes
    }

    mutating func build(_ v: PickleValue, depth: Int = 0) throws(Malformed) -> CheckpointValue {
        guard depth <= Self.maxDepth else { throw Malformed("objects nested deeper than \(Self.maxDepth) levels (or a cycle)") }
        budget -= 1
        guard budget >= 0 else { throw Malformed("too many objects (shared references multiply them)") }
        switch v {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigInt(let b): return .bytes(b)
        case .float(let f): return .float(f)
        case .string(let s): return .string(s)
        case .bytes(let b): return .bytes(b)
        case .tuple(let t): return try list(heap.tuples[t], depth)
        case .list(let l): return try list(heap.lists[l], depth)
        case .dict(let d):
            let dict = heap.dicts[d]
            var entries: [CheckpointValue.DictEntry] = []
            entries.reserveCapacity(dict.keys.count)
            for (k, value) in zip(dict.keys, dict.values) {
                entries.append(.init(key: k.text, value: try build(value, depth: depth + 1)))
            }
            return .dict(entries)
        case .global(let g): throw Malformed("global \(g.fullName) left unused in the data")
        case .storage: throw Malformed("a bare storage outside a tensor")
        case .tensor(let t): return .tensor(try tensor(t))
        }
    }

    private mutating func list(_ items: [PickleValue], _ depth: Int) throws(Malformed) -> CheckpointValue {
        var out: [CheckpointValue] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try build(item, depth: depth + 1)) }
        return .list(out)
    }

    private mutating func tensor(_ t: Int) throws(Malformed) -> TorchTensor {
        if let cached = tensorCache[t] { return cached }
        let reference = heap.tensors[t]
        let bytes = try storageBytes(reference.storage)
        let tensor = TorchTensor(reference, dtype: reference.dtype, storage: bytes)
        tensorCache[t] = tensor
        return tensor
    }
}
