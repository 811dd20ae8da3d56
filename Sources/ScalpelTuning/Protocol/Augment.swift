import ScalpelEngine

/// Batch augmentation for training: a random crop after zero padding (torchvision's
/// `RandomCrop(size, padding)`), applied per image. Flips are left out: they change the
/// meaning of digits and of some clothing classes' orientation cues.
enum Augment {
    /// Pads each image of `x` [N, C, H, W] by `padding` zeros and crops back at a random offset.
    static func randomCrop(_ x: Tensor, padding: Int = 2, rng: inout RandomGenerator) -> Tensor {
        let x = x.contiguous()
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { src in
            for i in 0..<n {
                let dy = rng.nextInt(below: 2 * padding + 1) - padding
                let dx = rng.nextInt(below: 2 * padding + 1) - padding
                for ch in 0..<c {
                    let base = (i * c + ch) * h * w
                    for yy in 0..<h {
                        let sy = yy + dy
                        guard sy >= 0 && sy < h else { continue }
                        for xx in 0..<w {
                            let sx = xx + dx
                            if sx >= 0 && sx < w { out[base + yy * w + xx] = src[base + sy * w + sx] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, data: out)
    }
}
