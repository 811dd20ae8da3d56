// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Scalpel",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Scalpel", targets: ["ScalpelEngine"]),
        .executable(name: "scalpel", targets: ["scalpel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries: BLAS (OpenBLAS on Linux, Accelerate on Apple platforms) and oneDNN.
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CDNNL",
            providers: [.apt(["libdnnl-dev"])]),

        // The tensor engine: storage, kernels, reverse-mode autodiff.
        .target(
            name: "ScalpelEngine",
            dependencies: [
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                .target(name: "CDNNL", condition: .when(platforms: [.linux])),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),

        // The command-line tool.
        .executableTarget(
            name: "scalpel",
            dependencies: [
                "ScalpelEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "ScalpelEngineTests", dependencies: ["ScalpelEngine"]),
    ]
)
