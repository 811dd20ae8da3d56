import Foundation
import Testing
import ScalpelTuning
@testable import ScalpelReport

/// The figures' axes, colours and captions: ticks that are distinct and cover constant series,
/// a method palette and a block palette that share no colour, legends, no Markdown in captions.
@Suite struct FigureStyleTests {
    /// The texts of an SVG's `<text …>` elements whose attributes contain `attribute`.
    func texts(_ svg: String, with attribute: String) -> [String] {
        svg.components(separatedBy: "\n").filter { $0.hasPrefix("<text") && $0.contains(attribute) }.compactMap { line in
            guard let open = line.firstIndex(of: ">"), let close = line.range(of: "</text>") else { return nil }
            return String(line[line.index(after: open)..<close.lowerBound])
        }
    }

    /// The fill colours of an SVG's `<rect>` elements, without an alpha suffix.
    func fills(_ svg: String) -> Set<String> {
        Set(svg.components(separatedBy: "\n").filter { $0.hasPrefix("<rect x=") }.compactMap { line in
            line.range(of: "fill=\"#").map { String(line[$0.upperBound...].prefix(6)) }.map { "#" + $0 }
        })
    }

    @Test func constantSeriesGetDistinctTicksAroundTheirValue() {
        for value in [0.0, 55, -3, 0.004] {
            let ticks = Palette.ticks(value, value)
            #expect(ticks.count >= 2 && ticks.first! <= value && ticks.last! >= value, "\(value): \(ticks)")
            #expect(Set(Palette.tickLabels(ticks)).count == ticks.count, "\(value): \(Palette.tickLabels(ticks))")
        }
        #expect(Palette.tickLabels(Palette.ticks(0, 0)) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(Palette.ticks(55, 55) == [50, 52, 54, 56, 58, 60])
        #expect(Palette.tickLabels([0, 0.2, 0.4]) == ["0.0", "0.2", "0.4"])
        #expect(Palette.tickLabels([0, 2.5, 5]) == ["0.0", "2.5", "5.0"])
        #expect(Palette.tickLabels([-20, 0, 20], signed: true) == ["-20", "+0", "+20"])
        #expect(Palette.tickLabels([0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"])
    }

    @Test func anAllZeroOnlinePanelHasDistinctAxisLabels() throws {
        let zero = Summary(mean: 0, standardError: 0, count: 1)
        let svg = try #require(OnlineAdaptationFigure.svg(panels: [
            .init(title: "p", series: [.init(label: "memo all", points: [(10, zero), (20, zero)])]),
        ], title: "t"))
        let yLabels = texts(svg, with: "text-anchor=\"end\"")
        #expect(yLabels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], "was 0, 0, 0, 1, 1, 1")
    }

    @Test func anAllZeroAutoRGNPanelHasAFiniteAxis() throws {
        let svg = try #require(AutoRGNWeightsFigure.svg(panels: [
            .init(title: "p", epochs: [["a": 0, "b": 0]], tensors: [("a", "block1"), ("b", "block2")]),
        ], title: "t"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        let labels = texts(svg, with: "text-anchor=\"end\"")
        #expect(labels.count >= 2 && Set(labels).count == labels.count, "\(labels)")
    }

    @Test func methodsAndBlocksHaveTheirOwnColoursAndLegends() throws {
        #expect(Set(Palette.methodColors).isDisjoint(with: Palette.blockColors))
        let methods = ["surgical:block1", "surgical:block2", "last"]
        let figure2 = try #require(RelativeAccuracyFigure.svg(
            relative: ["s": ["surgical:block1": 0.01, "surgical:block2": -0.02, "last": 0.005]], shifts: ["s"],
            methods: methods, title: "t"))
        let figure6 = try #require(AutoRGNWeightsFigure.svg(panels: [
            .init(title: "p", epochs: [["a": 0.5, "b": 1, "c": 0.2]], tensors: [("a", "block1"), ("b", "block2"), ("c", "block3")]),
        ], title: "t"))
        let methodFills = fills(figure2).subtracting(["#ffffff"])
        let blockFills = fills(figure6).subtracting(["#ffffff"])
        #expect(methodFills == Set(methods.indices.map(Palette.method)))
        #expect(blockFills == [Palette.blockColors.first!, Palette.blockColors.last!, Palette.block(1, of: 3)])
        #expect(methodFills.isDisjoint(with: blockFills))
        // Legends: a title and a swatch and name per method and per block.
        let figure2Texts = texts(figure2, with: "text-anchor=\"start\"")
        #expect(figure2Texts.contains("methods") && methods.allSatisfy(figure2Texts.contains))
        #expect(texts(figure6, with: "text-anchor=\"start\"").filter { ["blocks", "block1", "block2", "block3"].contains($0) }.count == 4)
        // A method keeps its colour when a figure leaves other methods out.
        let colors = Palette.methodColors(["all", "last"])
        let onlyLast = try #require(RelativeAccuracyFigure.svg(relative: ["s": ["last": 0.01]], shifts: ["s"], methods: ["last"],
                                                               title: "t", colors: colors))
        #expect(fills(onlyLast).contains(Palette.method(1)) && !fills(onlyLast).contains(Palette.method(0)))
    }

    @Test func captionsAndNotesShowNoMarkdown() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-style-\(UUID().uuidString)").path
        let db = try ReportFixture.database(at: dir + ".sqlite")
        let report = Report(data: try ReportData(database: db), source: "fixture.sqlite")
        let files = try report.write(to: dir)
        for file in files where file.hasSuffix(".html") || file.hasSuffix(".svg") {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            #expect(!text.contains("`"), "\(file) shows a literal backtick")
        }
        let index = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        #expect(index.contains("minus that of <code>all</code>, in percentage points"))
        #expect(report.tables.contains { $0.markdown.contains("minus that of `all`") }, "Markdown keeps its code span")
        #expect(HTML.inline("a `b` c `d") == "a <code>b</code> c `d")
        #expect(HTML.plain("`x` < y") == "x &lt; y")
    }
}

extension FigureStyleTests {
    @Test func aNarrowAutoRGNFigureIsWideEnoughForItsTitles() throws {
        let title = "fmnist-c:gaussian_noise:3 — auto-rgn, n=4, seed 0, lr 0.01"
        let svg = try #require(AutoRGNWeightsFigure.svg(panels: [
            .init(title: title, epochs: [["a": 1, "b": 1]], tensors: [("a", "first"), ("b", "last")]),
        ], title: "t"))
        let width = try #require(svg.firstMatch(of: /width="([0-9.]+)"/).flatMap { Double($0.1) })
        #expect(width >= 55 + Double(title.count) * 7.5, "two tensors' bars and legend were 250 px, cutting the title")
    }
}
