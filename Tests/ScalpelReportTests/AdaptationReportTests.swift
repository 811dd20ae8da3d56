import Foundation
import Testing
import ScalpelExperiments
import ScalpelTuning
@testable import ScalpelReport

/// The adaptation part of the report against hand computations on `AdaptationReportFixture`.
@Suite struct AdaptationReportTests {
    let data: ReportData

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-tta-\(UUID().uuidString).sqlite").path
        data = try ReportData(database: AdaptationReportFixture.database(at: path))
    }

    func temporaryDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    }

    @Test func statisticsOverSeeds() throws {
        let panel = try #require(data.adaptationPanels.first)
        #expect(data.adaptationPanels.count == 1)
        #expect(panel.cells.map(\.shortLabel) == ["memo all", "memo all", "memo stem", "tent all"])
        // Episodic all: 0.62, 0.64, 0.66: mean 0.64; s = 0.02; se = 0.02/√3.
        let episodic = panel.cells[0]
        #expect(abs(episodic.adapted!.mean - 0.64) < 1e-12)
        #expect(abs(episodic.adapted!.standardError - 0.02 / 3.0.squareRoot()) < 1e-12)
        #expect(episodic.curve.count == 2, "episodic curves are kept, not drawn")
        // Online all: 0.40, 0.44: mean 0.42; s = √(2 · 0.02²) = 0.0283; se = s/√2 = 0.02.
        let online = panel.cells[1]
        #expect(abs(online.adapted!.mean - 0.42) < 1e-12)
        #expect(abs(online.adapted!.standardError - 0.02) < 1e-12)
        // Its curve: after 50 images 25/50 and 27/50 (mean 0.52, se 0.02); after 100, 0.42.
        #expect(online.curve.map(\.seen) == [50, 100])
        #expect(abs(online.curve[0].accuracy.mean - 0.52) < 1e-12 && abs(online.curve[0].accuracy.standardError - 0.02) < 1e-12)
        #expect(abs(online.curve[1].accuracy.mean - 0.42) < 1e-12)
        // Online stem: the failed seed is counted, not averaged.
        #expect(panel.cells[2].seeds == [0] && panel.cells[2].failedRuns == 1)
        #expect(panel.cells[3].priorOnly == nil, "TENT has no prior-only baseline")
    }

    @Test func theAdaptationTable() throws {
        let panel = try #require(data.adaptationPanels.first)
        let table = data.adaptationTable(panel)
        #expect(table.title == "Test-time adaptation, fmnist-c:gaussian_noise:5, resnet26 (c0ffee), 100 test images")
        #expect(table.header == ["method", "mode", "selection", "settings", "seeds", "no adaptation", "prior only", "adapted",
                                 "adapted − none"])
        #expect(table.rows == [
            ["memo", "episodic", "all", "adamw lr 0.0001 wd 0.01, B=32 K=1 N=16", "3", "50.0 (0.0)", "60.0 (0.0)", "64.0 (1.2)", "+14.0"],
            ["memo", "online", "all", "sgd lr 2e-06 m 0.9, B=32 K=1 N=16", "2", "50.0 (0.0)", "60.0 (0.0)", "42.0 (2.0)", "−8.0"],
            ["memo", "online", "stem", "sgd lr 2e-06 m 0.9, B=32 K=1 N=16", "1 (1 failed)", "50.0 (0.0)", "60.0 (0.0)", "58.0 (0.0)", "+8.0"],
            ["tent", "online", "all", "adamw lr 0.001, batch 64", "1", "50.0 (0.0)", "–", "80.0 (0.0)", "+30.0"],
        ])
    }

    @Test func theOnlineCurveTable() throws {
        let panel = try #require(data.adaptationPanels.first)
        let table = try #require(data.onlineAdaptationTable(panel))
        #expect(table.header == ["images seen", "memo all", "memo stem", "tent all", "no adaptation", "prior only"])
        #expect(table.rows == [["50", "52.0 (2.0)", "56.0 (0.0)", "78.0 (0.0)", "40.0", "56.0"],
                               ["100", "42.0 (2.0)", "58.0 (0.0)", "80.0 (0.0)", "50.0", "60.0"]])
        #expect(panel.baselineCurve.map(\.seen) == [50, 100])
    }

    @Test func theFigureDrawsALinePerOnlineSelection() throws {
        let figure = try #require(Report(data: data, source: "tta.sqlite").figures.first)
        #expect(figure.file == "figure4-online-adaptation.svg")
        let svg = figure.svg
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 5, "memo all, memo stem, tent all and the two baselines")
        for point in ["memo all: 52.0 (2.0) after 50 images", "memo all: 42.0 (2.0) after 100 images",
                      "memo stem: 58.0 (0.0) after 100 images", "tent all: 78.0 (0.0) after 50 images"] {
            #expect(svg.contains("<title>\(point)</title>"), "\(point)")
        }
        #expect(!svg.contains("memo all: 64.0"), "episodic runs are not drawn")
        #expect(svg.contains(">no adaptation, same images</text>") && svg.contains(">BatchNorm prior only, same images</text>"))
        #expect(svg.contains("<title>no adaptation: 40.0% after 50 images</title>"))
        #expect(svg.contains("<title>BatchNorm prior only: 60.0% after 100 images</title>"))
        #expect(svg.contains("stroke-dasharray=\"6 4\""))
        // Standard-error whiskers only where there are several seeds: memo all's two points.
        let whiskers = svg.components(separatedBy: "\n").filter { $0.hasPrefix("<line") && $0.contains("stroke=\"\(Palette.method(0))\"") }
        #expect(whiskers.count == 2 + 1, "two whiskers and the legend swatch")
    }

    @Test func withoutBaselineCurvesTheBaselinesAreLevels() throws {
        let point = (seen: 10, accuracy: Summary(mean: 0.7, standardError: 0, count: 1))
        let svg = try #require(OnlineAdaptationFigure.svg(panels: [
            .init(title: "p", series: [.init(label: "memo all", points: [point])], noAdaptation: .level(0.5), priorOnly: nil),
        ], title: "t"))
        #expect(svg.contains(">no adaptation, whole test set (50.0%)</text>"))
        #expect(!svg.contains("BatchNorm prior only"))
        #expect(OnlineAdaptationFigure.svg(panels: [.init(title: "p", series: [])], title: "t") == nil)
    }

    @Test func labelsNameOnlyTheSettingsThatTellTwinsApart() throws {
        let panel = try #require(data.adaptationPanels.first)
        #expect(panel.labels(panel.cells) == ["memo all, episodic, adamw, lr 0.0001, wd 0.01", "memo all, online, sgd, lr 2e-06, wd 0",
                                              "memo stem", "tent all"])
        #expect(panel.labels(panel.onlineCells) == ["memo all", "memo stem", "tent all"])
    }

    @Test func theReportWritesTheAdaptationFiles() throws {
        let dir = temporaryDirectory("report-tta-out")
        let report = Report(data: data, source: "tta.sqlite")
        let files = try report.write(to: dir)
        #expect(Set(files) == ["tables.md", "runs.csv", "cells.csv", "adaptation-runs.csv", "adaptation-cells.csv",
                               "adaptation-curves.csv", "figure4-online-adaptation.svg", "index.html"])
        let index = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        #expect(index.contains("src=\"figure4-online-adaptation.svg\""))
        #expect(index.contains("<td>64.0 (1.2)</td>"))
        #expect(index.contains("href=\"adaptation-curves.csv\""))
        #expect(report.summaryLine == "8 adaptation runs (7 done, 1 failed) of fixture; tool commit abc.")
        let curves = try String(contentsOfFile: dir + "/adaptation-curves.csv", encoding: .utf8).split(separator: "\n")
        #expect(curves.count == 1 + 7 * 2, "a header and two points per finished run")
        let runs = try String(contentsOfFile: dir + "/adaptation-runs.csv", encoding: .utf8).split(separator: "\n")
        #expect(runs.count == 1 + 8)
        #expect(report.consoleSummary.contains("Online adaptation: cumulative accuracy"))
    }

    /// A database without adaptation runs reports exactly as before the adaptation tables existed.
    @Test func aReportWithoutAdaptationRunsIsUnchanged() throws {
        let path = temporaryDirectory("report-plain") + ".sqlite"
        let plain = Report(data: try ReportData(database: ReportFixture.database(at: path)), source: "fixture.sqlite")
        let dir = temporaryDirectory("report-plain-out")
        let files = try plain.write(to: dir)
        #expect(Set(files) == ["tables.md", "runs.csv", "cells.csv", "figure2-relative.svg", "index.html"])
        for file in files {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            #expect(!text.lowercased().contains("adaptation"), "\(file)")
        }
        #expect(plain.summaryLine == "37 runs (36 done, 1 diverged) of fixture; tool commit abc.")
        // With both kinds, the summary names both.
        let both = Report(data: try ReportData(database: AdaptationReportFixture.database(at: path + "-both", withRuns: true)),
                          source: "both.sqlite")
        #expect(both.summaryLine == "37 runs (36 done, 1 diverged) and 8 adaptation runs (7 done, 1 failed) of fixture; tool commit abc.")
        #expect(both.tables.count == plain.tables.count + 2)
    }
}
