import Foundation
import Testing
@testable import ScalpelReport

/// The report's files: tables, figures, CSV and an index that links them, written atomically.
@Suite struct ReportOutputTests {
    @Test func writesEveryFileAndTheIndexShowsThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-out-\(UUID().uuidString)").path
        let db = try ReportFixture.database(at: dir + ".sqlite")
        let report = Report(data: try ReportData(database: db), source: "fixture.sqlite")
        let files = try report.write(to: dir)
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir)) == Set(files), "no temporary files left")
        #expect(files.contains("figure2-relative.svg"))
        let index = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        for f in files where f.hasSuffix(".svg") { #expect(index.contains("src=\"\(f)\""), "\(f)") }
        #expect(index.contains("<td>88.0 (1.2)</td>"))
        let svg = try String(contentsOfFile: dir + "/figure2-relative.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("shiftA surgical:block1: +6.00 points"))
        let cells = try String(contentsOfFile: dir + "/cells.csv", encoding: .utf8).split(separator: "\n")
        #expect(cells.count == 1 + 6)
        #expect(report.consoleSummary.contains("shiftA: resnet26"))
    }

    @Test func axisTicksEncloseTheData() {
        #expect(Palette.ticks(-7, 53) == [-20, 0, 20, 40, 60])
        #expect(Palette.ticks(0, 1.8, count: 4) == [0, 0.5, 1, 1.5, 2])
        #expect(Palette.ticks(0, 40) == [0, 10, 20, 30, 40])
    }

    @Test func csvQuotesFieldsThatNeedIt() {
        #expect(CSV.document(header: ["a", "b"], rows: [["x,y", "say \"hi\""]]) == "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n")
    }
}
