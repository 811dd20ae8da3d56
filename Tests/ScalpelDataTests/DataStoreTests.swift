import Foundation
import Testing
@testable import ScalpelData

/// The library installs nothing itself (issue 16): a missing data set is a `DataError` naming the
/// set, the directory looked in, the missing files and the command that installs it; an installer
/// (the CLI's `data fetch`) is asked first when one is set.
@Suite(.serialized) struct DataStoreTests {
    static func emptyStore() throws -> DataStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scalpel-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return DataStore(directory: dir)
    }

    @Test func aMissingDataSetNamesTheSetThePathAndTheCommand() throws {
        let store = try Self.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        do {
            _ = try store.loadUCIDigits()
            Issue.record("loading from an empty store succeeded")
        } catch let error as DataError {
            #expect(error.kind == .notInstalled)
            #expect(error.file == store.directory + "/uci-digits")
            #expect(error.detail.contains("'uci-digits'") && error.detail.contains("digits.csv.gz"))
            #expect(error.detail.contains("scalpel data fetch --only uci-digits --data-dir \(store.directory)"))
        }
        #expect(!FileManager.default.fileExists(atPath: store.path(.uciDigits, "digits.csv.gz")), "nothing was fetched")
    }

    @Test func anInstallerIsAskedForAMissingDataSet() throws {
        let store = try Self.emptyStore()
        defer {
            DataStore.installer = nil
            try? FileManager.default.removeItem(atPath: store.directory)
        }
        DataStore.installer = { store, dataset in
            for file in dataset.files {
                let path = store.path(dataset, file)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try Data().write(to: URL(fileURLWithPath: path))
            }
        }
        try store.requireInstalled(.fashionMNIST)
        #expect(store.isInstalled(.fashionMNIST))
        DataStore.installer = { _, _ in }  // an installer that installs nothing: still the clear error
        #expect(throws: DataError.self) { try store.requireInstalled(.mnist5k) }
    }
}
