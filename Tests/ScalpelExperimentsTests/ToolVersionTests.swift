import Foundation
import Testing

/// The commit a run records (`ToolVersion.commit`, printed by `scalpel --version`) is that of
/// the checkout the executable sits in, never the working directory's: a binary copied out of
/// its checkout and run inside another one says "unknown" unless `SCALPEL_COMMIT` names it.
@Suite struct ToolVersionTests {
    static func head(of directory: String) throws -> String? {
        let (status, text) = try SweepFixtures.run("/usr/bin/env", ["git", "-C", directory, "rev-parse", "HEAD"])
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return status == 0 && commit.count == 40 ? commit : nil
    }

    /// `scalpel --version`'s commit field.
    static func versionCommit(_ binary: String, environment: [String: String] = [:], directory: String) throws -> String {
        let (status, text) = try SweepFixtures.run(binary, ["--version"], environment: environment, directory: directory)
        #expect(status == 0, "\(text)")
        guard let range = text.range(of: "(commit ") else { return text }
        return String(text[range.upperBound...].prefix { $0 != ";" })
    }

    @Test func aCopiedBinaryRunInsideACheckoutDoesNotTakeItsCommit() throws {
        guard let binary = SweepFixtures.executable() else { Issue.record("no scalpel executable"); return }
        let dir = SweepFixtures.tempDir("toolversion")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let copy = dir + "/scalpel"
        try FileManager.default.copyItem(atPath: binary, toPath: copy)
        // The working directory is the package's own checkout: its commit must not be recorded.
        #expect(try Self.versionCommit(copy, environment: ["SCALPEL_COMMIT": ""], directory: SweepFixtures.packageRoot) == "unknown")
        #expect(try Self.versionCommit(copy, environment: ["SCALPEL_COMMIT": "0123abc"], directory: SweepFixtures.packageRoot) == "0123abc")
    }

    @Test func aBinaryInItsCheckoutRecordsThatCommitFromAnyDirectoryAndThroughASymlink() throws {
        guard let binary = SweepFixtures.executable() else { Issue.record("no scalpel executable"); return }
        let dir = SweepFixtures.tempDir("toolversion")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let link = dir + "/scalpel"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: binary)
        let builtIn = (binary as NSString).deletingLastPathComponent
        let expected = try Self.head(of: builtIn)
        for path in [binary, link] {
            let commit = try Self.versionCommit(path, environment: ["SCALPEL_COMMIT": ""], directory: dir)
            if let expected {
                #expect(commit == expected || commit == expected + "-dirty", "\(path): \(commit)")
            } else {
                #expect(commit == "unknown", "\(path): \(commit)")
            }
        }
    }
}
