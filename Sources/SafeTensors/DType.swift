/// The element types of the safetensors format, spelled as in the header's `"dtype"` field.
public enum DType: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    case bool = "BOOL"
    case uint8 = "U8"
    case int8 = "I8"
    case float8E5M2 = "F8_E5M2"
    case float8E4M3 = "F8_E4M3"
    case int16 = "I16"
    case uint16 = "U16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int32 = "I32"
    case uint32 = "U32"
    case float32 = "F32"
    case float64 = "F64"
    case int64 = "I64"
    case uint64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// Whether the elements are integers (or booleans), readable exactly with `int64s(_:)`.
    public var isInteger: Bool {
        switch self {
        case .bool, .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64: true
        case .float8E5M2, .float8E4M3, .float16, .bfloat16, .float32, .float64: false
        }
    }

    /// The header spelling of the dtype (`"F32"`, `"BF16"`, …), as `rawValue`.
    public var description: String { rawValue }
}
