import SafeTensors

/// The only globals a checkpoint's pickle may name. Anything else is refused by its full name
/// before any object is built: the reader never executes code.
enum TorchGlobal: Equatable {
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2`: a tensor of its typed storage's dtype.
    case rebuildTensor
    /// `torch._utils._rebuild_tensor_v3`: a tensor of an explicit dtype over an untyped storage
    /// (what PyTorch 2 writes for uint16/32/64 and float8).
    case rebuildTensorV3
    case rebuildParameter
    /// A typed storage class (`torch.FloatStorage`, …) or `torch.storage.UntypedStorage` (bytes).
    case storage(DType)
    /// A dtype object (`torch.uint16`, `torch.float8_e4m3fn`, …).
    case dtype(DType)
    /// `_codecs.encode(text, "latin1")`: how protocol 2 pickles a `bytes` object (only that use
    /// is allowed; it builds bytes, nothing else).
    case latin1Encode

    /// The global named `module.name`, or nil when it is not allowed.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v3"): self = .rebuildTensorV3
        case ("torch.storage", "UntypedStorage"): self = .storage(.uint8)
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("_codecs", "encode"): self = .latin1Encode
        case ("torch", _):
            if let dtype = Self.storageTypes[name] { self = .storage(dtype) }
            else if let dtype = Self.dtypes[name] { self = .dtype(dtype) }
            else { return nil }
        default: return nil
        }
    }

    /// PyTorch's typed storage classes and the element type each holds.
    static let storageTypes: [String: DType] = [
        "FloatStorage": .float32, "HalfStorage": .float16, "BFloat16Storage": .bfloat16, "DoubleStorage": .float64,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    /// PyTorch's dtype objects and their element types.
    static let dtypes: [String: DType] = [
        "float32": .float32, "float": .float32, "float16": .float16, "half": .float16, "bfloat16": .bfloat16,
        "float64": .float64, "double": .float64, "int64": .int64, "long": .int64, "int32": .int32, "int": .int32,
        "int16": .int16, "short": .int16, "int8": .int8, "uint8": .uint8, "bool": .bool, "uint16": .uint16,
        "uint32": .uint32, "uint64": .uint64, "float8_e4m3fn": .float8E4M3, "float8_e5m2": .float8E5M2,
    ]

    var fullName: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensor: "torch._utils._rebuild_tensor_v2"
        case .rebuildTensorV3: "torch._utils._rebuild_tensor_v3"
        case .dtype(let dtype): "torch." + (Self.dtypes.filter { $0.value == dtype }.map(\.key).max { $0.count < $1.count } ?? "?")
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .latin1Encode: "_codecs.encode"
        case .storage(.uint8): "torch.ByteStorage"
        case .storage(let dtype): "torch." + (Self.storageTypes.first { $0.value == dtype }?.key ?? "?")
        }
    }
}

/// A value on the pickle machine's stack. Containers are indices into a `PickleHeap`, so values
/// are flat: no recursive structure is ever built, released or compared, whatever the nesting.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer wider than 64 bits, as its little-endian two's-complement bytes (the legacy
    /// format's magic number is one).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(Int)
    case list(Int)
    case dict(Int)
    case global(TorchGlobal)
    case storage(Int)
    case tensor(Int)

    /// A short name of the kind of value, for errors.
    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let g): "global \(g.fullName)"
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

/// A dict key: pickled state dicts are keyed by strings; ints and None are kept distinct.
enum PickleKey: Hashable {
    case string(String)
    case int(Int64)
    case other(String)

    var text: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .other(let s): s
        }
    }
}

/// A dict in insertion order (every Python dict keeps it).
struct PickleDict {
    var keys: [PickleKey] = []
    var values: [PickleValue] = []
    var index: [PickleKey: Int] = [:]

    mutating func set(_ key: PickleKey, _ value: PickleValue) {
        if let i = index[key] { values[i] = value; return }
        index[key] = keys.count
        keys.append(key)
        values.append(value)
    }
}

/// A storage named by a persistent id: `key` in the file, its element type and element count,
/// and (legacy files only) the element range of a view into it.
struct StorageReference {
    let key: String
    let dtype: DType
    let count: Int
    let view: Range<Int>?
}

/// A tensor rebuilt by `_rebuild_tensor_v2/3`: a strided view of a storage (offset and strides
/// in elements of `dtype`), validated against it.
struct TensorReference {
    let storage: Int
    let dtype: DType
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}

/// Every container, storage and tensor the pickle built.
struct PickleHeap {
    var tuples: [[PickleValue]] = []
    var lists: [[PickleValue]] = []
    var dicts: [PickleDict] = []
    var storages: [StorageReference] = []
    /// Storages by identity (their key, or a legacy view's own key).
    var storageIndex: [String: Int] = [:]
    /// The first storage declared for each file key.
    var rootIndex: [String: Int] = [:]
    var tensors: [TensorReference] = []

    mutating func tuple(_ items: [PickleValue]) -> PickleValue {
        tuples.append(items)
        return .tuple(tuples.count - 1)
    }
}
