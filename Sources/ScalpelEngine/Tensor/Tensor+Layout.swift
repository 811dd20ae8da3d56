/// Layout conversions between logical `[N, C, H, W]` order and channels-last `[N, H, W, C]`.
extension Tensor {
    /// This tensor in row-major logical order (differentiable; a no-op when already so).
    public func contiguous() -> Tensor { converted(to: .contiguous) }

    /// This tensor stored in `format` (differentiable; a no-op when already so).
    public func converted(to format: MemoryFormat) -> Tensor {
        if format == self.format { return self }
        let out = Tensor(uninitialized: shape, format: format)
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        KernelStats.record("layout.reorder")
        if format == .channelsLast {
            nchwToNHWC(pointer, out.pointer, n, c, h * w)
        } else {
            nhwcToNCHW(pointer, out.pointer, n, c, h * w)
        }
        let source = self.format
        recordOp("layout", out, [self]) { g, _ in [g.converted(to: source)] }
        return out
    }
}

/// dst[n][p][c] = src[n][c][p] for p over H·W.
func nchwToNHWC(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int, _ c: Int, _ hw: Int) {
    parallelFor(n, grain: max(1, 32_768 / max(1, c * hw))) { range in
        for b in range {
            let s = src + b * c * hw, d = dst + b * c * hw
            for ch in 0..<c { for p in 0..<hw { d[p * c + ch] = s[ch * hw + p] } }
        }
    }
}

/// dst[n][c][p] = src[n][p][c] for p over H·W.
func nhwcToNCHW(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int, _ c: Int, _ hw: Int) {
    parallelFor(n, grain: max(1, 32_768 / max(1, c * hw))) { range in
        for b in range {
            let s = src + b * c * hw, d = dst + b * c * hw
            for p in 0..<hw { for ch in 0..<c { d[ch * hw + p] = s[p * c + ch] } }
        }
    }
}
