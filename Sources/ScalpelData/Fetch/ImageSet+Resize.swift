/// Bilinear resizing, and MNIST-style normalisation of small digit images.
extension Image {
    /// Bilinear resampling to `height × width` with half-pixel centres (PyTorch's
    /// `interpolate(mode: "bilinear", align_corners: false)` without antialiasing): sample
    /// positions outside the image clamp to the border. Meant for upsampling; strong
    /// downsampling aliases.
    public func resized(height newHeight: Int, width newWidth: Int) -> Image {
        var out = Image(repeating: 0, channels: channels, height: newHeight, width: newWidth)
        let sy = Float(height) / Float(newHeight), sx = Float(width) / Float(newWidth)
        for y in 0..<newHeight {
            let fy = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(height - 1))
            let y0 = Int(fy), y1 = min(y0 + 1, height - 1), wy = fy - Float(y0)
            for x in 0..<newWidth {
                let fx = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(width - 1))
                let x0 = Int(fx), x1 = min(x0 + 1, width - 1), wx = fx - Float(x0)
                for c in 0..<channels {
                    let top = self[c, y0, x0] * (1 - wx) + self[c, y0, x1] * wx
                    let bottom = self[c, y1, x0] * (1 - wx) + self[c, y1, x1] * wx
                    out[c, y, x] = top * (1 - wy) + bottom * wy
                }
            }
        }
        return out
    }

    /// This digit redrawn the way MNIST's images were made: the bounding box of its ink
    /// (pixels above `threshold`) scaled bilinearly, keeping its aspect ratio, so the longer side
    /// is `box` pixels (20), then placed in a `size × size` (28) field so that its centre of mass
    /// falls at the field's centre (clamped to keep the digit inside). The box is padded with one
    /// blank source pixel before scaling, so strokes fade out at the edges (MNIST's anti-aliasing)
    /// instead of ending in a hard cut. Single-channel images.
    public func mnistStyle(box: Int = 20, size: Int = 28, threshold: Float = 0) -> Image {
        precondition(channels == 1, "mnistStyle: single-channel images only")
        var top = height, bottom = -1, left = width, right = -1
        for y in 0..<height {
            for x in 0..<width where self[0, y, x] > threshold {
                top = min(top, y); bottom = max(bottom, y); left = min(left, x); right = max(right, x)
            }
        }
        guard bottom >= 0 else { return Image(repeating: 0, channels: 1, height: size, width: size) }
        let h = bottom - top + 1, w = right - left + 1
        var crop = Image(repeating: 0, channels: 1, height: h + 2, width: w + 2)
        for y in 0..<h { for x in 0..<w { crop[0, y + 1, x + 1] = self[0, top + y, left + x] } }
        let scale = Float(box) / Float(max(h, w))
        let nh = max(1, min(size, Int((Float(h + 2) * scale).rounded())))
        let nw = max(1, min(size, Int((Float(w + 2) * scale).rounded())))
        let digit = crop.resized(height: nh, width: nw)
        // Centre of mass of the scaled digit.
        var mass: Float = 0, my: Float = 0, mx: Float = 0
        for y in 0..<nh { for x in 0..<nw { let v = digit[0, y, x]; mass += v; my += v * Float(y); mx += v * Float(x) } }
        let cy = mass > 0 ? my / mass : Float(nh - 1) / 2, cx = mass > 0 ? mx / mass : Float(nw - 1) / 2
        let center = Float(size - 1) / 2
        let oy = min(max(Int((center - cy).rounded()), 0), size - nh)
        let ox = min(max(Int((center - cx).rounded()), 0), size - nw)
        var out = Image(repeating: 0, channels: 1, height: size, width: size)
        for y in 0..<nh { for x in 0..<nw { out[0, oy + y, ox + x] = min(max(digit[0, y, x], 0), 1) } }
        return out
    }
}

extension ImageSet {
    /// Every image resized bilinearly to `height × width` (labels and groups kept).
    public func resized(height newHeight: Int, width newWidth: Int) -> ImageSet {
        map(height: newHeight, width: newWidth) { $0.resized(height: newHeight, width: newWidth) }
    }

    /// Every image passed through `transform`, which must return `channels × height × width` images.
    public func map(height newHeight: Int, width newWidth: Int, channels newChannels: Int? = nil,
                    _ transform: (Image) throws -> Image) rethrows -> ImageSet {
        var pixels = [Float]()
        pixels.reserveCapacity(count * (newChannels ?? channels) * newHeight * newWidth)
        for i in 0..<count { pixels.append(contentsOf: try transform(image(i)).pixels) }
        return ImageSet(pixels: pixels, labels: labels, groups: groups, channels: newChannels ?? channels,
                        height: newHeight, width: newWidth, classCount: classCount)
    }
}
