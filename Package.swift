// swift-tools-version: 6.1
import PackageDescription

// Release builds use Swift's default -O, not -Ounchecked: -Ounchecked removes every precondition
// (the engine's shape checks, the models' size checks) and integer-overflow trap, and with them the
// guarantee that no caller can make a kernel write out of bounds (docs/limits.md).

let package = Package(
    name: "Scalpel",
    platforms: [.macOS(.v15)],
    products: [
        // The library: `import Scalpel` gives the core (engine, checkpoints, layers and models, optimizers,
        // data, the fine-tuning protocol and methods, test-time adaptation). No database or YAML.
        .library(name: "Scalpel", targets: ["Scalpel"]),
        // The experiment machinery on top: the paper's analysis, sweep specifications, the results
        // database (GRDB), reports.
        .library(name: "ScalpelExperiments", targets: ["ScalpelAnalysis", "ScalpelExperiments", "ScalpelReport"]),
        .executable(name: "scalpel", targets: ["scalpel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // `swift package generate-documentation --target Scalpel`: the DocC catalogue.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // System libraries: BLAS (OpenBLAS on Linux, Accelerate on Apple platforms), oneDNN, zlib, libpng, libjpeg.
        // Internal to the engine and data modules (imported with `internal import`), named so as not
        // to clash with other packages' shims.
        .systemLibrary(name: "CScalpelBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CScalpelDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CScalpelZlib", providers: [.apt(["zlib1g-dev"])]),
        // Image decoding for data sources: libpng and libjpeg-turbo (internal to ScalpelData).
        .systemLibrary(name: "CScalpelPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CScalpelJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),

        // The tensor engine: storage, kernels, reverse-mode autodiff.
        .target(
            name: "ScalpelEngine",
            dependencies: [
                .target(name: "CScalpelBLAS", condition: .when(platforms: [.linux])),
                .target(name: "CScalpelDNNL", condition: .when(platforms: [.linux])),
            ]),
        // The safetensors file format (PyTorch-compatible checkpoints).
        .target(name: "SafeTensors", dependencies: ["ScalpelEngine"]),
        // PyTorch's `.pth` files (zip and legacy formats), read without executing anything.
        .target(name: "PyTorchCheckpoint", dependencies: ["ScalpelEngine", "SafeTensors", "CScalpelZlib"]),
        // Layers, models with named blocks, parameter selection.
        .target(name: "ScalpelNN", dependencies: ["ScalpelEngine", "SafeTensors", "PyTorchCheckpoint"]),
        // Optimizers with PyTorch's update rules and per-tensor state.
        .target(name: "ScalpelOptim", dependencies: ["ScalpelEngine"]),
        // Data set readers, distribution shifts, splits, augmentations (ScalpelNN for its SHA-256, the
        // decode cache's key).
        .target(name: "ScalpelData",
                dependencies: ["ScalpelEngine", "SafeTensors", "ScalpelNN", "CScalpelZlib", "CScalpelPNG", "CScalpelJPEG"]),

        // The fine-tuning protocol and the paper's methods.
        .target(name: "ScalpelTuning", dependencies: ["ScalpelEngine", "ScalpelNN", "ScalpelOptim", "ScalpelData"]),
        // Test-time adaptation without labels: MEMO and TENT.
        .target(name: "ScalpelAdaptation",
                dependencies: ["ScalpelEngine", "ScalpelNN", "ScalpelOptim", "ScalpelData", "ScalpelTuning"]),
        // Experiments of the paper's analysis: parameter-noise shifts and the two-layer theory.
        .target(name: "ScalpelAnalysis",
                dependencies: ["ScalpelEngine", "ScalpelNN", "ScalpelOptim", "ScalpelData", "ScalpelTuning"]),

        // The umbrella module of the `Scalpel` product: re-exports the core modules above.
        .target(name: "Scalpel",
                dependencies: ["ScalpelEngine", "SafeTensors", "PyTorchCheckpoint", "ScalpelNN", "ScalpelOptim", "ScalpelData",
                               "ScalpelTuning", "ScalpelAdaptation"]),

        // Experiment specifications, sweeps over their grids (fine-tuning and test-time adaptation runs),
        // the results database, shards and merges.
        .target(name: "ScalpelExperiments",
                dependencies: ["ScalpelTuning", "ScalpelAdaptation", "ScalpelData", "ScalpelNN", "SafeTensors",
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "Yams", package: "Yams"),
                               .product(name: "Logging", package: "swift-log")]),
        // Tables, SVG figures, CSV and an HTML index made from a results database.
        .target(name: "ScalpelReport", dependencies: ["ScalpelExperiments", "ScalpelTuning", "ScalpelAdaptation", "ScalpelData"]),

        // The command-line tool.
        .executableTarget(
            name: "scalpel",
            dependencies: [
                "ScalpelEngine", "SafeTensors", "PyTorchCheckpoint", "ScalpelNN", "ScalpelOptim", "ScalpelData", "ScalpelTuning",
                "ScalpelAdaptation", "ScalpelAnalysis", "ScalpelExperiments", "ScalpelReport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "ScalpelEngineTests", dependencies: ["ScalpelEngine", "SafeTensors"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors"], exclude: ["Fixtures"]),
        .testTarget(name: "PyTorchCheckpointTests", dependencies: ["PyTorchCheckpoint", "SafeTensors", "ScalpelEngine"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ScalpelNNTests", dependencies: ["ScalpelNN"]),
        .testTarget(name: "ScalpelOptimTests", dependencies: ["ScalpelOptim", "SafeTensors"]),
        .testTarget(name: "ScalpelDataTests", dependencies: ["ScalpelData"]),
        .testTarget(name: "ScalpelTuningTests", dependencies: ["ScalpelTuning", "SafeTensors"]),
        .testTarget(name: "ScalpelAdaptationTests", dependencies: ["ScalpelAdaptation", "ScalpelNN", "ScalpelData", "ScalpelTuning"]),
        .testTarget(name: "ScalpelAnalysisTests", dependencies: ["ScalpelAnalysis", "ScalpelNN", "ScalpelTuning"]),
        .testTarget(name: "ScalpelExperimentsTests",
                    dependencies: ["ScalpelExperiments", "ScalpelTuning", "ScalpelAdaptation", "ScalpelNN",
                                   .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ScalpelReportTests",
                    dependencies: ["ScalpelReport", "ScalpelExperiments", "ScalpelTuning", "ScalpelAdaptation"]),
        // The command-line tool's help texts and flag spellings (the executable imported with @testable).
        .testTarget(name: "ScalpelCLITests", dependencies: ["scalpel"], exclude: ["Help"]),
    ]
)
