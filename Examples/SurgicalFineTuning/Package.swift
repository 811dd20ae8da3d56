// swift-tools-version: 6.1
// An application of Scalpel as a library: the tutorial "Surgical fine-tuning in 30 lines".
// It depends on Scalpel by path and on ZIPFoundation, whose zlib shim once clashed with Scalpel's.
import PackageDescription

let package = Package(
    name: "SurgicalFineTuning",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Scalpel", path: "../.."),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        .executableTarget(
            name: "SurgicalFineTuning",
            dependencies: [
                .product(name: "Scalpel", package: "Scalpel"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
    ]
)
