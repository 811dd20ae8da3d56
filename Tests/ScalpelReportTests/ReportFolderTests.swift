import Foundation
import Testing
@testable import ScalpelExperiments
@testable import ScalpelReport

/// A report replaces its folder whole: nothing of an older report survives, a folder that is not
/// a report is refused untouched, and a killed `scalpel report` leaves no temporary file inside it.
@Suite struct ReportFolderTests {
    func folder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    }

    func report() throws -> Report {
        let db = try ReportFixture.database(at: folder("report-folder") + ".sqlite")
        return Report(data: try ReportData(database: db), source: "fixture.sqlite")
    }

    func entries(_ dir: String) throws -> Set<String> { Set(try FileManager.default.contentsOfDirectory(atPath: dir)) }

    @Test func anOlderReportsFilesDoNotSurvive() throws {
        let dir = folder("report-stale")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // An older report of another database: its own figure and CSV, and a hidden temporary
        // file that an older Scalpel's killed report left.
        for name in ["index.html", "tables.md", "figure6-auto-rgn.svg", "tensor-weights.csv", ".index.html.1234.tmp"] {
            try "old".write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        }
        let files = try report().write(to: dir)
        #expect(try entries(dir) == Set(files))
        #expect(!files.contains("figure6-auto-rgn.svg"))
        #expect(try String(contentsOfFile: dir + "/index.html", encoding: .utf8) != "old")
        let parent = (dir as NSString).deletingLastPathComponent, name = (dir as NSString).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.hasPrefix(".\(name).") }.isEmpty)
    }

    @Test func aFolderThatIsNotAReportIsRefusedUntouched() throws {
        let dir = folder("report-foreign")
        try FileManager.default.createDirectory(atPath: dir + "/photos", withIntermediateDirectories: true)
        try "mine".write(toFile: dir + "/notes.txt", atomically: false, encoding: .utf8)
        try "mine".write(toFile: dir + "/index.html", atomically: false, encoding: .utf8)
        do {
            try report().write(to: dir)
            Issue.record("a folder with other files was replaced")
        } catch let error as ReportError {
            #expect(error.description.hasPrefix("\(dir): exists and is not a Scalpel report ('notes.txt', 'photos')"), "\(error)")
        }
        #expect(try entries(dir) == ["photos", "notes.txt", "index.html"])
        // A plain file as the output folder is refused as well.
        let file = folder("report-file")
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        #expect(throws: ReportError.self) { try report().write(to: file) }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "x")
    }

    @Test func leftoversOfAKilledReportBesideTheFolderAreRemoved() throws {
        let dir = folder("report-leftover")
        let parent = (dir as NSString).deletingLastPathComponent, name = (dir as NSString).lastPathComponent
        // A dead process's temporary folder, and a live one's (this process: kept).
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = "\(parent)/.\(name).report-\(p.processIdentifier)-X.tmp", live = "\(parent)/.\(name).report-\(getpid())-Y.tmp"
        for d in [dead, live] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try report().write(to: dir)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))
        try FileManager.default.removeItem(atPath: live)
    }

    /// `scalpel report` killed at many moments: the folder is the old report or the new one,
    /// whole, and holds no temporary file.
    @Test func aKilledReportLeavesTheFolderWhole() throws {
        let root = ((("\(#filePath)" as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent as NSString)
            .deletingLastPathComponent
        let candidates = [ProcessInfo.processInfo.environment["SCALPEL_BIN"],
                          (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/scalpel", root + "/.build/debug/scalpel"]
        let binary = try #require(candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "build the scalpel executable first")
        let db = folder("report-kill") + ".sqlite"
        _ = try ReportFixture.database(at: db)
        let dir = folder("report-kill-out")
        let first = try report().write(to: dir)
        try "marker".write(toFile: dir + "/cells.csv", atomically: false, encoding: .utf8)
        for attempt in 0..<12 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["report", db, "--out", dir]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(attempt * 15_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = try entries(dir)
            #expect(now == Set(first), "attempt \(attempt): \(now.sorted())")
        }
        let parent = (dir as NSString).deletingLastPathComponent, name = (dir as NSString).lastPathComponent
        try report().write(to: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.hasPrefix(".\(name).") }.isEmpty,
                "the next report removes what killed ones left beside the folder")
    }
}
