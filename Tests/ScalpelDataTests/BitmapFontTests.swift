import Foundation
import Testing
@testable import ScalpelData

/// The 5 × 7 font and the labels it writes on data previews.
@Suite struct BitmapFontTests {
    /// Whether the decoded gray image has `text`'s glyphs in ink (0) and paper (255) at (`x`, `y`).
    func shows(_ text: String, in d: MiniPNG.Decoded, x: Int, y: Int) -> Bool {
        for (i, character) in text.enumerated() {
            for (row, bits) in BitmapFont.glyph(character).enumerated() {
                for (column, bit) in bits.enumerated() {
                    let px = x + i * (BitmapFont.width + 1) + column, py = y + row
                    guard px < d.width, py < d.height else { return false }
                    if d.pixels[py * d.width + px] != (bit == "#" ? 0 : 255) { return false }
                }
            }
        }
        return true
    }

    @Test func glyphsAreWellFormedAndDistinct() {
        for (c, rows) in BitmapFont.glyphs {
            #expect(rows.count == BitmapFont.height && rows.allSatisfy { $0.count == BitmapFont.width && $0.allSatisfy { ".#".contains($0) } },
                    "\(c)")
        }
        let shapes = BitmapFont.glyphs.values.map { $0.joined() }
        #expect(Set(shapes).count == shapes.count, "two characters share a glyph")
        #expect(BitmapFont.glyph("a") == BitmapFont.glyph("A") && BitmapFont.glyph("é") == BitmapFont.glyph("?"))
        #expect(BitmapFont.glyph("O") != BitmapFont.glyph("0"))
    }

    @Test func wrapsAtSpacesAndMarksCuts() {
        #expect(BitmapFont.wrap("Ankle boot", maxCharacters: 14, maxLines: 2) == ["Ankle boot"])
        #expect(BitmapFont.wrap("T-shirt/top (a)", maxCharacters: 12, maxLines: 2) == ["T-shirt/top", "(a)"])
        #expect(BitmapFont.wrap("automobile", maxCharacters: 4, maxLines: 2) == ["auto", "mob."])
        #expect(BitmapFont.wrap("x", maxCharacters: 0, maxLines: 2) == [])
    }

    @Test func thePreviewLabelsItsRowsAndColumns() throws {
        let source = DataFixtures.tinySet(classes: 2, perClass: 4, side: 10)
        var target = DataFixtures.tinySet(classes: 2, perClass: 4, side: 10)
        for i in target.pixels.indices { target.pixels[i] = 1 }
        let (rows, scale, gap) = (1, 3, 2)
        let png = DataPreview.labelledPreview(source: source, target: target, columnNames: ["Coat", "Bag"],
                                              columns: 2, rows: rows, scale: scale, gap: gap)
        let d = try #require(MiniPNG.decode(png))
        let grid = try #require(MiniPNG.decode(DataPreview.previewGrid(source: source, target: target, columns: 2, rows: rows,
                                                                      scale: scale, gap: gap)))
        let left = BitmapFont.width(of: "SOURCE") + 6, top = 2 * (BitmapFont.height + 2) + 4
        #expect(d.width == left + grid.width && d.height == top + grid.height)
        // The grid is pasted unchanged below and right of the margins.
        for y in 0..<grid.height {
            #expect(Array(d.pixels[((top + y) * d.width + left)..<((top + y) * d.width + left + grid.width)]) ==
                    Array(grid.pixels[(y * grid.width)..<((y + 1) * grid.width)]))
        }
        // Row labels at the middle of each block: cells of 30 px, so the source block's middle is
        // gap + 15 and the target block's gap + 30 + 3 gap + 15 (from the top of the grid).
        #expect(shows("SOURCE", in: d, x: 3, y: top + gap + 15 - 3))
        #expect(shows("TARGET", in: d, x: 3, y: top + gap + 30 + 3 * gap + 15 - 3))
        // Column names centred over their 30 px columns on the lower label line (one line each).
        let lineY = top - (BitmapFont.height + 2)
        #expect(shows("COAT", in: d, x: left + gap + 15 - BitmapFont.width(of: "COAT") / 2, y: lineY))
        #expect(shows("BAG", in: d, x: left + gap + 32 + 15 - BitmapFont.width(of: "BAG") / 2, y: lineY))
        #expect(!shows("SOURCE", in: d, x: 3, y: top + gap + 30 + 3 * gap + 15 - 3))
    }
}
