/// The operands of pickle opcodes (globals, integers, strings) and the names of refused opcodes.
extension PickleMachine {
    func global(_ module: String, _ name: String) throws(Malformed) -> TorchGlobal {
        guard let g = TorchGlobal(module: module, name: name) else {
            throw Malformed("refuses global '\(module).\(name)': a checkpoint may only name tensor rebuild functions, "
                + "torch storages and collections.OrderedDict (nothing is executed); a whole pickled model cannot be "
                + "read: save its state_dict() instead")
        }
        return g
    }

    /// A two's-complement little-endian integer of `n` bytes (at most 1024).
    func long(_ n: Int, _ c: inout ByteCursor) throws(Malformed) -> PickleValue {
        guard n <= 1024 else { throw Malformed("integer of \(n) bytes is too large") }
        if n > 8 { return .bigInt(Array(try c.slice(n, "LONG value"))) }
        return .int(n == 0 ? 0 : try c.int(n, "LONG value"))
    }

    func length8(_ c: inout ByteCursor) throws(Malformed) -> Int {
        let n = try c.uint(8, "8-byte length")
        guard n <= UInt64(c.remaining) else { throw Malformed("length \(n) runs past the end (\(c.remaining) bytes left)") }
        return Int(n)
    }

    func bigEndian(_ c: inout ByteCursor) throws(Malformed) -> UInt64 {
        try c.slice(8, "BINFLOAT").reduce(0) { $0 << 8 | UInt64($1) }
    }

    func utf8(_ c: inout ByteCursor, _ n: Int) throws(Malformed) -> String {
        guard let s = String(validating: try c.slice(n, "string"), as: UTF8.self) else { throw Malformed("string is not UTF-8") }
        return s
    }

    func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// A newline-terminated ASCII line of at most 256 bytes (GLOBAL's module and name).
    func line(_ c: inout ByteCursor) throws(Malformed) -> String {
        var bytes: [UInt8] = []
        while true {
            let b = try c.u8("GLOBAL name")
            if b == 0x0A { break }
            guard b >= 0x20, b < 0x7F, bytes.count < 256 else { throw Malformed("GLOBAL name is not a short ASCII line") }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Names of opcodes that are refused, for clearer errors.
    static let names: [UInt8: String] = [
        0x49: "INT", 0x4C: "LONG", 0x46: "FLOAT", 0x53: "STRING", 0x56: "UNICODE", 0x70: "PUT", 0x67: "GET",
        0x50: "PERSID", 0x69: "INST", 0x6F: "OBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
        0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]
}
