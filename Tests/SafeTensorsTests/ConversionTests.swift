import Foundation
import Testing
import SafeTensors

/// Every bit pattern of the 16- and 8-bit float formats converts exactly.
@Suite struct ConversionTests {
    /// Reads `count` elements of `dtype` with the given bytes through the public API.
    func floats(_ dtype: DType, _ bytes: [UInt8]) throws -> [Float] {
        let count = bytes.count / dtype.size
        let file = try SafeTensorsFile(data: try SafeTensors.encode(["x": .raw(dtype, shape: [count], bytes: bytes)]))
        return try file.floats("x")
    }

    @Test func float16MatchesTheStandardLibrary() throws {
        let patterns = (0...UInt16.max).map { $0 }
        let got = try floats(.float16, patterns.flatMap { le($0) })
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        let expected = patterns.map { Float(Float16(bitPattern: $0)) }
        for (bits, (g, e)) in zip(patterns, zip(got, expected)) where !(g.isNaN && e.isNaN) {
            #expect(g.bitPattern == e.bitPattern, "F16 0x\(String(bits, radix: 16))")
        }
        #endif
        #expect(got[0x0001] == 0x1p-24)
        #expect(got[0x03FF] == 1023 * 0x1p-24)
        #expect(got[0x0400] == 0x1p-14)
        #expect(got[0x7C00] == .infinity)
        #expect(got[0xFC00] == -.infinity)
        #expect(got[0x7E00].isNaN)
        #expect(got[0x8000].bitPattern == (-Float.zero).bitPattern)
        #expect(got[0x3555] == 0.333251953125)
    }

    @Test func bfloat16IsTheTopHalfOfAFloat() throws {
        let patterns = (0...UInt16.max).map { $0 }
        let got = try floats(.bfloat16, patterns.flatMap { le($0) })
        #expect(sameBits(got, patterns.map { Float(bitPattern: UInt32($0) << 16) }))
    }

    @Test func float8Formats() throws {
        let e4m3 = try floats(.float8E4M3, [0x38, 0xB8, 0x7E, 0x01, 0x08, 0x00, 0x80, 0x3C])
        #expect(Array(e4m3[0..<6]) == [1, -1, 448, 0x1p-9, 0x1p-6, 0])
        #expect(e4m3[6].bitPattern == (-Float.zero).bitPattern)
        #expect(e4m3[7] == 1.5)
        #expect(try floats(.float8E4M3, [0x7F, 0xFF]).allSatisfy(\.isNaN))
        // S.1111.110 is a number (448), not infinity: E4M3 has no infinities.
        #expect(try floats(.float8E4M3, [0xFE]) == [-448])

        let e5m2 = try floats(.float8E5M2, [0x3C, 0x7B, 0x7C, 0xFC, 0x01, 0xC0])
        #expect(e5m2 == [1, 57344, Float.infinity, -Float.infinity, 0x1p-16, -2])
        #expect(try floats(.float8E5M2, [0x7D]).allSatisfy(\.isNaN))
    }

    @Test func integersAndOtherFloats() throws {
        #expect(try floats(.bool, [0, 1, 2]) == [0, 1, 1])
        #expect(try floats(.uint8, [0, 200, 255]) == [0, 200, 255])
        #expect(try floats(.int8, [0x80, 0xFF, 0x7F]) == [-128, -1, 127])
        #expect(try floats(.int16, le(Int16.min, -2, 300)) == [-32768, -2, 300])
        #expect(try floats(.uint16, le(UInt16.max, 3)) == [65535, 3])
        #expect(try floats(.int32, le(Int32(-5), 1 << 20)) == [-5, 1_048_576])
        #expect(try floats(.uint32, le(UInt32.max)) == [Float(UInt32.max)])
        #expect(try floats(.int64, le(Int64(-9), 1 << 50)) == [-9, Float(1 << 50)])
        #expect(try floats(.uint64, le(UInt64(1) << 63)) == [0x1p63])
        #expect(try floats(.float64, le((0.1 as Double).bitPattern, (-1e300 as Double).bitPattern)) == [0.1, -.infinity])

        // Exact integer reads.
        func ints(_ dtype: DType, _ bytes: [UInt8]) throws -> [Int64] {
            let file = try SafeTensorsFile(data: try SafeTensors.encode(
                ["x": .raw(dtype, shape: [bytes.count / dtype.size], bytes: bytes)]))
            return try file.int64s("x")
        }
        #expect(try ints(.bool, [0, 3]) == [0, 1])
        #expect(try ints(.int8, [0xFE]) == [-2])
        #expect(try ints(.uint8, [0xFE]) == [254])
        #expect(try ints(.int16, le(Int16(-300))) == [-300])
        #expect(try ints(.uint16, le(UInt16(60000))) == [60000])
        #expect(try ints(.int32, le(Int32.min)) == [Int64(Int32.min)])
        #expect(try ints(.uint32, le(UInt32.max)) == [Int64(UInt32.max)])
        #expect(try ints(.int64, le(Int64.min, Int64.max)) == [.min, .max])
        #expect(try ints(.uint64, le(UInt64(Int64.max))) == [.max])
    }

    @Test func dtypeSizesAndNames() {
        #expect(DType(rawValue: "BF16") == .bfloat16)
        #expect(DType.allCases.count == 15)
        #expect(DType.int64.size == 8 && DType.float16.size == 2 && DType.bool.size == 1)
        #expect(DType.int64.isInteger && !DType.bfloat16.isInteger)
        #expect("\(DType.float8E4M3)" == "F8_E4M3")
    }
}
