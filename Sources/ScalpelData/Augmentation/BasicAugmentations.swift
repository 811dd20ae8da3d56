import ScalpelEngine

/// A random image-to-image transform for training or test-time adaptation.
public protocol ImageAugmentation: Sendable {
    /// The transformed image (same shape), drawing randomness from `rng`.
    func apply(_ image: Image, rng: inout RandomGenerator) -> Image
}

/// Zero-pads the image by `padding` pixels on every side, then crops a window of the original
/// size at a uniformly random position (torchvision `RandomCrop(size, padding=padding)`).
public struct RandomCrop: ImageAugmentation {
    /// Zero pixels added on each side before cropping; the crop offset is uniform in -padding...padding.
    public let padding: Int

    /// A random crop with `padding` pixels of zero padding; traps when `padding` is negative.
    public init(padding: Int) {
        precondition(padding >= 0, "RandomCrop: padding must be non-negative")
        self.padding = padding
    }

    /// The image shifted by a uniformly random offset in each axis, zeros where it leaves the frame.
    public func apply(_ image: Image, rng: inout RandomGenerator) -> Image {
        let top = rng.nextInt(below: 2 * padding + 1), left = rng.nextInt(below: 2 * padding + 1)
        return Self.crop(image, dy: top - padding, dx: left - padding)
    }

    /// The image shifted so that output pixel (y, x) is input pixel (y + dy, x + dx), zeros
    /// outside: the crop at offset (padding + dy, padding + dx) of the zero-padded image.
    public static func crop(_ image: Image, dy: Int, dx: Int) -> Image {
        let (h, w) = (image.height, image.width)
        var out = Image(repeating: 0, channels: image.channels, height: h, width: w)
        let x0 = max(0, -dx), x1 = min(w, w - dx)
        guard x0 < x1 else { return out }
        for c in 0..<image.channels {
            for y in 0..<h {
                let sy = y + dy
                guard sy >= 0 && sy < h else { continue }
                let src = (c * h + sy) * w + dx, dst = (c * h + y) * w
                for x in x0..<x1 { out.pixels[dst + x] = image.pixels[src + x] }
            }
        }
        return out
    }
}

/// Mirrors the image left–right with probability `probability` (torchvision
/// `RandomHorizontalFlip`). Set `enabled` to false for digits and text, whose meaning a mirror
/// changes; the transform then draws nothing and returns the image unchanged.
public struct RandomHorizontalFlip: ImageAugmentation {
    /// Chance in [0, 1] of mirroring each image (default 0.5).
    public let probability: Float
    /// False turns the transform into the identity (no random draw).
    public let enabled: Bool

    /// A random flip with probability `probability` (default 0.5), enabled by default.
    public init(probability: Float = 0.5, enabled: Bool = true) {
        self.probability = probability
        self.enabled = enabled
    }

    /// The mirrored image with probability `probability`, else `image` unchanged.
    public func apply(_ image: Image, rng: inout RandomGenerator) -> Image {
        guard enabled else { return image }
        return rng.nextFloat() < probability ? Self.flipped(image) : image
    }

    /// The image mirrored left–right.
    public static func flipped(_ image: Image) -> Image {
        var out = image
        let w = image.width
        for row in 0..<(image.channels * image.height) {
            let base = row * w
            for x in 0..<w { out.pixels[base + x] = image.pixels[base + w - 1 - x] }
        }
        return out
    }
}

/// Augmentations applied in order.
public struct ComposedAugmentation: ImageAugmentation {
    /// The augmentations, applied first to last.
    public let steps: [any ImageAugmentation]

    /// Composes `steps`, applied in the given order (an empty list is the identity).
    public init(_ steps: [any ImageAugmentation]) { self.steps = steps }

    /// `image` passed through every step in order, each drawing from the same `rng`.
    public func apply(_ image: Image, rng: inout RandomGenerator) -> Image {
        var out = image
        for step in steps { out = step.apply(out, rng: &rng) }
        return out
    }
}
