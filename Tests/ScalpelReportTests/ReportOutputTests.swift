import Foundation
import XCTest
@testable import ScalpelReport

/// The report's files: tables, figures, CSV and an index that links them, written atomically.
final class ReportOutputTests: XCTestCase {
    func testWritesEveryFileAndTheIndexShowsThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-out-\(UUID().uuidString)").path
        let db = try ReportFixture.database(at: dir + ".sqlite")
        let report = Report(data: try ReportData(database: db), source: "fixture.sqlite")
        let files = try report.write(to: dir)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), Set(files), "no temporary files left")
        XCTAssertTrue(files.contains("figure2-relative.svg"))
        let index = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        for f in files where f.hasSuffix(".svg") { XCTAssertTrue(index.contains("src=\"\(f)\""), f) }
        XCTAssertTrue(index.contains("<td>88.0 (1.2)</td>"))
        let svg = try String(contentsOfFile: dir + "/figure2-relative.svg", encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains("shiftA surgical:block1: +6.00 points"))
        let cells = try String(contentsOfFile: dir + "/cells.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(cells.count, 1 + 6)
        XCTAssertTrue(report.consoleSummary.contains("shiftA: resnet26"))
    }

    func testAxisTicksEncloseTheData() {
        XCTAssertEqual(Palette.ticks(-7, 53), [-20, 0, 20, 40, 60])
        XCTAssertEqual(Palette.ticks(0, 1.8, count: 4), [0, 0.5, 1, 1.5, 2])
        XCTAssertEqual(Palette.ticks(0, 40), [0, 10, 20, 30, 40])
    }

    func testCSVQuotesFieldsThatNeedIt() {
        XCTAssertEqual(CSV.document(header: ["a", "b"], rows: [["x,y", "say \"hi\""]]), "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n")
    }
}
