import SafeTensors

/// PyTorch's meaning of the allowed globals and of persistent ids, checked as they are built.
extension PickleHeap {
    /// Tensors may expand their storage (stride 0) up to this many bytes beyond its own size.
    static let maxExpandedBytes = 1 << 26
    static let maxRank = 64

    /// REDUCE/NEWOBJ of an allowed global.
    mutating func call(_ g: TorchGlobal, _ args: [PickleValue]) throws(Malformed) -> PickleValue {
        switch g {
        case .orderedDict:
            guard args.isEmpty else { throw Malformed("collections.OrderedDict is only built empty, got \(args.count) arguments") }
            dicts.append(PickleDict())
            return .dict(dicts.count - 1)
        case .rebuildParameter:
            guard args.count == 3, case .tensor = args[0] else {
                throw Malformed("torch._utils._rebuild_parameter expects (tensor, requires_grad, hooks)")
            }
            return args[0]
        case .rebuildTensor:
            return try rebuildTensor(args, v3: false)
        case .rebuildTensorV3:
            return try rebuildTensor(args, v3: true)
        case .latin1Encode:
            guard args.count == 2, case .string(let text) = args[0], case .string("latin1") = args[1],
                  text.unicodeScalars.allSatisfy({ $0.value < 256 }) else {
                throw Malformed("_codecs.encode is only read as (text, 'latin1'), the pickling of bytes")
            }
            return .bytes(text.unicodeScalars.map { UInt8($0.value) })
        case .storage, .dtype:
            throw Malformed("\(g.fullName) cannot be called; storages come only from persistent ids")
        }
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`,
    /// or `_rebuild_tensor_v3(…, backward_hooks, dtype[, metadata])` whose storage holds bytes.
    private mutating func rebuildTensor(_ args: [PickleValue], v3: Bool) throws(Malformed) -> PickleValue {
        let name = (v3 ? TorchGlobal.rebuildTensorV3 : .rebuildTensor).fullName
        let arity = v3 ? 7 : 6
        guard args.count == arity || args.count == arity + 1 else {
            throw Malformed("\(name) expects \(arity) or \(arity + 1) arguments, got \(args.count)")
        }
        guard case .storage(let s) = args[0] else { throw Malformed("\(name): the first argument is a \(args[0].kind), not a storage") }
        let storage = storages[s]
        var dtype = storage.dtype
        if v3 {
            guard case .global(.dtype(let d)) = args[6] else { throw Malformed("\(name): the dtype argument is a \(args[6].kind)") }
            guard storage.dtype == .uint8 || storage.dtype == d else {
                throw Malformed("\(name): a \(d) tensor over a \(storage.dtype) storage")
            }
            dtype = d
        }
        guard case .int(let offset) = args[1], offset >= 0, offset <= Int.max / 2 else { throw Malformed("\(name): bad storage offset") }
        let shape = try integers(args[2], "\(name) size"), strides = try integers(args[3], "\(name) stride")
        guard shape.count == strides.count, shape.count <= Self.maxRank else {
            throw Malformed("\(name): size \(shape) and stride \(strides) do not match (or rank above \(Self.maxRank))")
        }
        let available = (storage.view?.count ?? storage.count) * storage.dtype.size / dtype.size
        var count = 1, last = Int(offset), overflow = false
        for (n, st) in zip(shape, strides) {
            (count, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow else { throw Malformed("\(name): size \(shape) has too many elements") }
            if n > 0 {
                let (reach, o1) = (n - 1).multipliedReportingOverflow(by: st)
                let (sum, o2) = last.addingReportingOverflow(reach)
                guard !o1, !o2 else { throw Malformed("\(name): size \(shape) and stride \(strides) overflow") }
                last = sum
            }
        }
        if count > 0, last >= available {
            throw Malformed("\(name): size \(shape), stride \(strides) and offset \(offset) reach element \(last) "
                + "of a storage of \(available) (storage '\(storage.key)')")
        }
        let bytes = count.multipliedReportingOverflow(by: dtype.size)
        guard !bytes.overflow, bytes.partialValue <= max(available * dtype.size, Self.maxExpandedBytes) else {
            throw Malformed("\(name): size \(shape) expands a storage of \(available) elements too far")
        }
        tensors.append(TensorReference(storage: s, dtype: dtype, offset: Int(offset), shape: shape, strides: strides))
        return .tensor(tensors.count - 1)
    }

    private func integers(_ value: PickleValue, _ what: String) throws(Malformed) -> [Int] {
        guard case .tuple(let t) = value else { throw Malformed("\(what) is a \(value.kind), not a tuple") }
        var result: [Int] = []
        for item in tuples[t] {
            guard case .int(let n) = item, n >= 0, n <= Int64(Int32.max) * 1024 else {
                throw Malformed("\(what) holds \(item.kind == "int" ? "an out-of-range int" : "a \(item.kind)"), not sizes")
            }
            result.append(Int(n))
        }
        return result
    }

    /// A storage named by a persistent id `('storage', type, key, location, numel[, view])`:
    /// the same key always gives the same storage.
    mutating func persistentLoad(_ pid: PickleValue) throws(Malformed) -> PickleValue {
        guard case .tuple(let t) = pid, tuples[t].count == 5 || tuples[t].count == 6 else {
            throw Malformed("persistent id is not a ('storage', type, key, location, size) tuple")
        }
        let items = tuples[t]
        guard case .string("storage") = items[0] else { throw Malformed("persistent id of a \(items[0].kind) is not a storage") }
        guard case .global(.storage(let dtype)) = items[1] else { throw Malformed("persistent id names a \(items[1].kind), not a storage type") }
        guard case .string(let key) = items[2], case .string = items[3] else { throw Malformed("storage key or location is not a string") }
        guard case .int(let n) = items[4], n >= 0, n <= Int64(Int.max / 16) else { throw Malformed("storage '\(key)' has a bad size") }
        var identity = key, view: Range<Int>? = nil
        if items.count == 6, case .tuple(let v) = items[5] {
            guard tuples[v].count == 3, case .string(let viewKey) = tuples[v][0], case .int(let o) = tuples[v][1],
                  case .int(let size) = tuples[v][2], o >= 0, size >= 0, o <= n, size <= n - o else {
                throw Malformed("storage '\(key)' has a bad view (key, offset, size)")
            }
            identity = viewKey
            view = Int(o)..<Int(o + size)
        } else if items.count == 6, case .none = items[5] {
        } else if items.count == 6 {
            throw Malformed("storage '\(key)' view is a \(items[5].kind)")
        }
        let reference = StorageReference(key: key, dtype: dtype, count: Int(n), view: view)
        if let existing = storageIndex[identity] {
            let old = storages[existing]
            guard old.key == key, old.dtype == dtype, old.count == reference.count, old.view == view else {
                throw Malformed("storage '\(identity)' is declared twice differently")
            }
            return .storage(existing)
        }
        if let root = rootIndex[key], storages[root].dtype != dtype || storages[root].count != reference.count {
            throw Malformed("storage '\(key)' is declared as \(storages[root].dtype)×\(storages[root].count) and \(dtype)×\(n)")
        }
        if rootIndex[key] == nil { rootIndex[key] = storages.count }
        storages.append(reference)
        storageIndex[identity] = storages.count - 1
        return .storage(storages.count - 1)
    }
}
