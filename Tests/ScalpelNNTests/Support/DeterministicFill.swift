import ScalpelEngine
import ScalpelNN

/// The Swift twin of scripts/fixtures/fill.py: a counter-based generator of model weights
/// that both languages compute bit for bit (integer hashing, then exact power-of-two scaling).
enum DeterministicFill {
    static func fnv1a(_ name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// k in [0, 4096) for element `i` of tensor `name`.
    static func int(_ hash: UInt64, _ i: Int) -> Int {
        var z = hash ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z = z ^ (z >> 31)
        return Int(z >> 52)
    }

    /// The values of state tensor `name` with `shape` (rules as in fill.py).
    static func values(_ name: String, _ shape: [Int]) -> [Float] {
        let count = shape.reduce(1, *)
        let h = fnv1a(name)
        let leaf = name.split(separator: ".").last.map(String.init) ?? name
        var scale: Double = 1
        if shape.count >= 2 && leaf != "bias" {
            let fanIn = (name == "cls_token" || name == "pos_embed") ? 256 : count / shape[0]
            scale = Double(1 << Int((Double(fanIn).squareRoot()).log2Ceil))
        }
        return (0..<count).map { i in
            let k = int(h, i)
            let centered = Double(k - 2048)
            let v: Double
            switch leaf {
            case "num_batches_tracked": v = 0
            case "running_var": v = 1 + Double(k >> 3) / 1024 - 0.25
            case "running_mean": v = centered / 8192
            case "weight" where shape.count == 1: v = 1 + Double((k >> 3) - 256) / 1024
            case _ where leaf == "bias" || shape.count == 1: v = centered / 2048 / 8
            default: v = centered / 2048 / scale
            }
            return Float(v)
        }
    }

    /// Fills every parameter and buffer of `model`.
    static func fill(_ model: Module) {
        for e in model.stateDict() {
            let v = values(e.name, e.tensor.shape)
            e.tensor.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = v[i] } }
        }
    }
}

extension Double {
    /// ⌈log₂ x⌉ for x ≥ 1, exactly as Python's math.ceil(math.log2(x)).
    var log2Ceil: Int {
        var e = 0
        while Double(1 << e) < self { e += 1 }
        return e
    }
}
