import ScalpelEngine

/// One image: `channels × height × width` Float pixels in [0, 1], channel-major (CHW),
/// the layout of one item of a PyTorch NCHW batch.
public struct Image: Sendable, Equatable {
    /// `channels × height × width` values, channel-major (CHW), row-major within a channel.
    public var pixels: [Float]
    /// Number of channels (1 gray, 3 RGB).
    public let channels: Int
    /// Rows per channel.
    public let height: Int
    /// Columns per row.
    public let width: Int

    /// An image from its CHW pixels; traps unless `pixels.count == channels · height · width`.
    public init(pixels: [Float], channels: Int, height: Int, width: Int) {
        precondition(pixels.count == channels * height * width,
                     "Image: \(pixels.count) pixels for \(channels)×\(height)×\(width)")
        self.pixels = pixels
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// An image with every pixel equal to `value`.
    public init(repeating value: Float, channels: Int, height: Int, width: Int) {
        self.init(pixels: [Float](repeating: value, count: channels * height * width),
                  channels: channels, height: height, width: width)
    }

    /// The pixel at channel `c`, row `y`, column `x`.
    @inlinable public subscript(c: Int, y: Int, x: Int) -> Float {
        get { pixels[(c * height + y) * width + x] }
        set { pixels[(c * height + y) * width + x] = newValue }
    }

    /// Pixels clamped to [0, 1].
    public func clamped() -> Image {
        var out = self
        for i in out.pixels.indices { out.pixels[i] = min(max(out.pixels[i], 0), 1) }
        return out
    }
}

/// A labeled set of images of one size, stored as one NCHW buffer: Float pixels, or uint8
/// samples converted to Float (`b / 255`, then the recorded normalization) whenever pixels are
/// read (see `ImageSet+Bytes.swift`), so a large set holds a quarter of the memory.
///
/// `groups` carries, for shifts with a spurious attribute, the group id of each example
/// (label × attribute), so worst-group accuracy can be reported.
public struct ImageSet: Sendable {
    /// The pixel buffer.
    var storage: PixelStorage
    /// Class label of each example, in order; `count` is its length.
    public var labels: [Int]
    /// Group id (label × attribute) of each example, for spurious-correlation shifts; nil otherwise.
    public var groups: [Int]?
    /// Channels of every image.
    public let channels: Int
    /// Rows of every image.
    public let height: Int
    /// Columns of every image.
    public let width: Int
    /// The number of classes of the labeling.
    public var classCount: Int

    /// A Float-backed set from NCHW `pixels`; traps unless `pixels` holds `labels.count` images of
    /// `channels × height × width` and `groups`, when given, has one entry per label.
    public init(pixels: [Float], labels: [Int], groups: [Int]? = nil, channels: Int, height: Int, width: Int,
                classCount: Int) {
        precondition(pixels.count == labels.count * channels * height * width, "ImageSet: pixel count mismatch")
        precondition(groups == nil || groups!.count == labels.count, "ImageSet: group count mismatch")
        self.storage = .floats(pixels)
        self.labels = labels
        self.groups = groups
        self.channels = channels
        self.height = height
        self.width = width
        self.classCount = classCount
    }

    /// A Float-backed set from `images` (all of the first image's size); traps when `images` is empty
    /// or the pixel or group counts do not match `labels`.
    public init(images: [Image], labels: [Int], groups: [Int]? = nil, classCount: Int) {
        precondition(!images.isEmpty, "ImageSet: no images")
        let first = images[0]
        self.init(pixels: images.flatMap(\.pixels), labels: labels, groups: groups, channels: first.channels,
                  height: first.height, width: first.width, classCount: classCount)
    }

    /// Every pixel as Float, NCHW. Reading it from a uint8-backed set converts the whole set;
    /// changing it makes the set Float-backed.
    public var pixels: [Float] {
        get { storage.floats(channels: channels, plane: height * width) }
        _modify {
            var p: [Float]
            if case .floats(let f) = storage { p = f } else { p = storage.floats(channels: channels, plane: height * width) }
            storage = .floats([])
            defer { storage = .floats(p) }
            yield &p
        }
    }

    /// The number of examples.
    public var count: Int { labels.count }
    /// Values per image: `channels · height · width`.
    public var imageSize: Int { channels * height * width }

    /// Image `i`.
    public func image(_ i: Int) -> Image {
        Image(pixels: storage.floats(of: [i], imageSize: imageSize, channels: channels, plane: height * width),
              channels: channels, height: height, width: width)
    }

    /// Replaces image `i` (a uint8-backed set becomes Float-backed).
    public mutating func setImage(_ i: Int, _ image: Image) {
        precondition(image.pixels.count == imageSize)
        let n = imageSize
        pixels.replaceSubrange((i * n)..<((i + 1) * n), with: image.pixels)
    }

    /// The examples at `indices`, in that order (stored as this set is).
    public func subset(_ indices: [Int]) -> ImageSet {
        var out = self
        out.storage = storage.subset(indices, imageSize: imageSize)
        out.labels = indices.map { labels[$0] }
        out.groups = groups.map { g in indices.map { g[$0] } }
        return out
    }

    /// The images at `indices` as an `[N, C, H, W]` tensor.
    public func batch(_ indices: [Int]) -> Tensor {
        Tensor(shape: [indices.count, channels, height, width],
               data: storage.floats(of: indices, imageSize: imageSize, channels: channels, plane: height * width))
    }
}
