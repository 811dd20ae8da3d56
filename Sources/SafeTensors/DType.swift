/// The element types of the safetensors format, spelled as in the header's `"dtype"` field.
public enum DType: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// Booleans, one byte each (0 or 1).
    case bool = "BOOL"
    /// Unsigned 8-bit integers.
    case uint8 = "U8"
    /// Signed 8-bit integers.
    case int8 = "I8"
    /// 8-bit floats with 5 exponent and 2 mantissa bits (`torch.float8_e5m2`).
    case float8E5M2 = "F8_E5M2"
    /// 8-bit floats with 4 exponent and 3 mantissa bits (`torch.float8_e4m3fn`).
    case float8E4M3 = "F8_E4M3"
    /// Signed 16-bit integers.
    case int16 = "I16"
    /// Unsigned 16-bit integers.
    case uint16 = "U16"
    /// IEEE 754 half precision.
    case float16 = "F16"
    /// bfloat16: float32's exponent with a 7-bit mantissa.
    case bfloat16 = "BF16"
    /// Signed 32-bit integers.
    case int32 = "I32"
    /// Unsigned 32-bit integers.
    case uint32 = "U32"
    /// IEEE 754 single precision (what Scalpel computes in).
    case float32 = "F32"
    /// IEEE 754 double precision.
    case float64 = "F64"
    /// Signed 64-bit integers.
    case int64 = "I64"
    /// Unsigned 64-bit integers.
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
