import Foundation
import Testing
@testable import ScalpelData

@Suite struct PreprocessingTests {
    static let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]

    func torchvision(_ name: String) throws -> NPY.Array { try NPY.read(UserDataFixtures.path("preprocess/\(name).npy")) }

    func maxDifference(_ image: Image, _ reference: NPY.Array) -> Float {
        guard case .float32(let values) = reference.values,
              reference.shape == [image.channels, image.height, image.width] else { return .infinity }
        return zip(image.pixels, values).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test(arguments: ["down", "up", "gray"])
    func matchesTorchvisionWithinOneThousandth(name: String) throws {
        let source = try ImageDecoder.decode(contentsOf: UserDataFixtures.path("preprocess/source.png"))
        let preprocessing = switch name {
        case "down": Preprocessing(resize: 10, crop: [8, 7], mean: Self.mean, std: Self.std)
        case "up": Preprocessing(resize: 31, crop: [29, 29])
        default: Preprocessing(channels: 1, resize: 9)
        }
        let image = try preprocessing.apply(to: source, file: "source.png")
        let difference = maxDifference(image, try torchvision(name))
        #expect(difference < 1e-3, "largest difference \(difference)")
    }

    @Test func outputSizesFollowTorchvision() {
        #expect(Preprocessing.resizedSize(height: 17, width: 23, shorter: 10) == (10, 13))
        #expect(Preprocessing.resizedSize(height: 23, width: 17, shorter: 10) == (13, 10))
        // CenterCrop rounds half to even: (5 - 2) / 2 = 1.5 -> 2, (4 - 1) / 2 = 1.5 -> 2.
        let image = Image(pixels: (0..<20).map(Float.init), channels: 1, height: 5, width: 4)
        #expect(Preprocessing.centerCrop(image, height: 2, width: 1).pixels == [10, 14])
    }

    @Test func grayConversionIsPILsIntegerFormula() {
        let rgb = DecodedImage(width: 2, height: 1, channels: 3, samples: .uint8([255, 0, 0, 10, 200, 30]))
        let gray = Preprocessing.convert(rgb, to: 1)
        // PIL: Image.fromarray([[[255, 0, 0], [10, 200, 30]]]).convert("L") is [[76, 124]].
        #expect(gray.samples == .uint8([76, 124]))
        let back = Preprocessing.convert(DecodedImage(width: 1, height: 1, channels: 2, samples: .uint8([9, 200])), to: 3)
        #expect(back.samples == .uint8([9, 9, 9]))
    }

    @Test func metadataRoundTripsAndBadValuesAreRefused() throws {
        let p = Preprocessing(channels: 3, resize: 256, crop: [224, 224], mean: Self.mean, std: Self.std)
        #expect(p.metadata["scalpel.preprocess.crop"] == "224,224")
        #expect(try Preprocessing(metadata: p.metadata, file: "m.safetensors") == p)
        #expect(throws: DataError.self) { try Preprocessing(channels: 2).validate(source: "flags") }
        #expect(throws: DataError.self) { try Preprocessing(mean: [0.5], std: [0]).validate(source: "flags") }
        #expect(throws: DataError.self) { try Preprocessing(metadata: ["scalpel.preprocess.resize": "big"], file: "m") }
        #expect(Preprocessing(resize: 5).overridden(by: Preprocessing(resize: 7, crop: [3, 3])) == Preprocessing(resize: 7, crop: [3, 3]))
    }
}
