import ScalpelEngine

/// A bad request to ``Corruptions/apply(name:to:severity:rng:)``.
public enum CorruptionError: Error, CustomStringConvertible, Equatable {
    case unknownName(String, valid: [String])
    case severityOutOfRange(Int)

    /// A one-line message: the unknown name with the valid names, or the out-of-range severity.
    public var description: String {
        switch self {
        case let .unknownName(name, valid):
            return "unknown corruption '\(name)'; valid names: \(valid.joined(separator: ", "))"
        case let .severityOutOfRange(s):
            return "corruption severity \(s) is outside 1...5"
        }
    }
}

/// The input-level shift suite: the image corruptions of CIFAR-10-C / ImageNet-C
/// (Hendrycks & Dietterich 2019), each at five severities.
///
/// The severity parameters follow the CIFAR-10-C generation code (`make_cifar_c.py`); where a
/// parameter is in pixels it is scaled to the image side (the CIFAR values are for 32 pixels),
/// and the few parameters changed to make the damage monotone in severity are documented at
/// each corruption and in `docs/shifts.md`.
///
/// Every corruption takes a CHW image with 1 or 3 channels and pixels in [0, 1], is
/// deterministic given the state of `rng`, and returns an image of the same shape clamped to
/// [0, 1].
public enum Corruptions {
    /// The corruption names, as in CIFAR-10-C.
    public static let names: [String] = [
        "gaussian_noise", "shot_noise", "impulse_noise", "speckle_noise",
        "gaussian_blur", "defocus_blur", "motion_blur", "zoom_blur", "glass_blur",
        "contrast", "brightness", "fog", "pixelate", "jpeg_compression", "elastic_transform", "spatter",
    ]

    /// The severities every corruption accepts.
    public static let severities: ClosedRange<Int> = 1...5

    /// The corruptions that draw no random numbers (the same output for every `rng`).
    public static let deterministicNames: Set<String> = [
        "gaussian_blur", "defocus_blur", "zoom_blur", "contrast", "brightness", "pixelate", "jpeg_compression",
    ]

    /// Applies corruption `name` at `severity` (1...5) to `image`, drawing randomness from `rng`.
    /// Throws ``CorruptionError`` for an unknown name or a severity outside 1...5.
    public static func apply(name: String, to image: Image, severity: Int,
                             rng: inout RandomGenerator) throws -> Image {
        guard severities.contains(severity) else { throw CorruptionError.severityOutOfRange(severity) }
        precondition(image.channels == 1 || image.channels == 3,
                     "Corruptions: images must have 1 or 3 channels, not \(image.channels)")
        let s = severity - 1
        switch name {
        case "gaussian_noise": return gaussianNoise(image, s, &rng)
        case "shot_noise": return shotNoise(image, s, &rng)
        case "impulse_noise": return impulseNoise(image, s, &rng)
        case "speckle_noise": return speckleNoise(image, s, &rng)
        case "gaussian_blur": return gaussianBlur(image, s)
        case "defocus_blur": return defocusBlur(image, s)
        case "motion_blur": return motionBlur(image, s, &rng)
        case "zoom_blur": return zoomBlur(image, s)
        case "glass_blur": return glassBlur(image, s, &rng)
        case "contrast": return contrast(image, s)
        case "brightness": return brightness(image, s)
        case "fog": return fog(image, s, &rng)
        case "pixelate": return pixelate(image, s)
        case "jpeg_compression": return jpegCompression(image, s)
        case "elastic_transform": return elasticTransform(image, s, &rng)
        case "spatter": return spatter(image, s, &rng)
        default: throw CorruptionError.unknownName(name, valid: names)
        }
    }
}
