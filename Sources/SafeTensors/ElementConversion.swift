/// Decoding of little-endian element bytes into `Float` and `Int64`.

/// The value of an IEEE 754 binary16 bit pattern (exact: every half is a float).
@inline(__always)
func floatFromHalfBits(_ h: UInt16) -> Float {
    let sign: UInt32 = UInt32(h & 0x8000) << 16
    let exponent = UInt32((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa × 2⁻²⁴.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        // Infinity or NaN (payload kept).
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}

/// The value of a bfloat16 bit pattern: the top 16 bits of a float32.
@inline(__always)
func floatFromBFloat16Bits(_ b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
}

/// The value of an OCP FP8 E5M2 byte: the top 8 bits of a binary16.
@inline(__always)
func floatFromFloat8E5M2(_ b: UInt8) -> Float {
    floatFromHalfBits(UInt16(b) << 8)
}

/// The value of an OCP FP8 E4M3 ("fn": no infinities, S.1111.111 is NaN) byte.
@inline(__always)
func floatFromFloat8E4M3(_ b: UInt8) -> Float {
    let negative = b & 0x80 != 0
    let exponent = UInt32((b >> 3) & 0xF)
    let mantissa = UInt32(b & 0x7)
    let magnitude: Float
    if exponent == 0xF && mantissa == 0x7 {
        magnitude = .nan
    } else if exponent == 0 {
        magnitude = Float(mantissa) * 0x1p-9
    } else {
        magnitude = Float(bitPattern: ((exponent + 120) << 23) | (mantissa << 20))
    }
    return negative ? -magnitude : magnitude
}

/// Decodes `out.count` elements of `dtype` from `raw` (little-endian, any alignment) into floats.
func decodeFloats(_ raw: UnsafeRawBufferPointer, dtype: DType, into out: UnsafeMutableBufferPointer<Float>) {
    let n = out.count
    precondition(raw.count == n * dtype.size)
    switch dtype {
    case .float32:
        #if _endian(little)
        if n > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
        #else
        for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        #endif
    case .float64:
        for i in 0..<n {
            out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
        }
    case .float16:
        for i in 0..<n { out[i] = floatFromHalfBits(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
    case .bfloat16:
        for i in 0..<n { out[i] = floatFromBFloat16Bits(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
    case .float8E5M2:
        for i in 0..<n { out[i] = floatFromFloat8E5M2(raw[i]) }
    case .float8E4M3:
        for i in 0..<n { out[i] = floatFromFloat8E4M3(raw[i]) }
    case .bool:
        for i in 0..<n { out[i] = raw[i] != 0 ? 1 : 0 }
    case .uint8:
        for i in 0..<n { out[i] = Float(raw[i]) }
    case .int8:
        for i in 0..<n { out[i] = Float(Int8(bitPattern: raw[i])) }
    case .int16:
        for i in 0..<n { out[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
    case .uint16:
        for i in 0..<n { out[i] = Float(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
    case .int32:
        for i in 0..<n { out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
    case .uint32:
        for i in 0..<n { out[i] = Float(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
    case .int64:
        for i in 0..<n { out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
    case .uint64:
        for i in 0..<n { out[i] = Float(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
    }
}

/// Decodes `count` integer elements of `dtype` from `raw`; returns the index of the first
/// value that does not fit in `Int64` (only possible for `U64`) as the failure.
func decodeInt64s(_ raw: UnsafeRawBufferPointer, dtype: DType, count n: Int) -> Result<[Int64], IndexOutOfRange> {
    precondition(dtype.isInteger && raw.count == n * dtype.size)
    var out = [Int64](repeating: 0, count: n)
    switch dtype {
    case .bool:
        for i in 0..<n { out[i] = raw[i] != 0 ? 1 : 0 }
    case .uint8:
        for i in 0..<n { out[i] = Int64(raw[i]) }
    case .int8:
        for i in 0..<n { out[i] = Int64(Int8(bitPattern: raw[i])) }
    case .int16:
        for i in 0..<n { out[i] = Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
    case .uint16:
        for i in 0..<n { out[i] = Int64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
    case .int32:
        for i in 0..<n { out[i] = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
    case .uint32:
        for i in 0..<n { out[i] = Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
    case .int64:
        for i in 0..<n { out[i] = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
    case .uint64:
        for i in 0..<n {
            let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
            guard let exact = Int64(exactly: v) else { return .failure(IndexOutOfRange(index: i)) }
            out[i] = exact
        }
    case .float8E5M2, .float8E4M3, .float16, .bfloat16, .float32, .float64:
        preconditionFailure("decodeInt64s: \(dtype) is not an integer dtype")
    }
    return .success(out)
}

/// The index of an integer that does not fit the requested type.
struct IndexOutOfRange: Error { let index: Int }
