import Foundation

/// Pictures of a shift's data: a grid of source examples above target examples.
public enum DataPreview {
    /// A PNG of `rows` rows of `source` examples, a wider gap, then `rows` rows of `target`
    /// examples. Column `j` shows label `j` (mod the class count) — or group `j` when both sets
    /// carry groups — so a column compares one class across the shift; cells are separated by `gap` pixels of mid-gray, the two blocks by `3 × gap`.
    /// Images of different sizes are drawn top-left in cells of the larger size; gray images
    /// are drawn in RGB when the other set is colour.
    public static func previewGrid(source: ImageSet, target: ImageSet, columns: Int = 10, rows: Int = 2,
                                   scale: Int = 3, gap: Int = 2) -> [UInt8] {
        gridCanvas(source: source, target: target, columns: columns, rows: rows, scale: scale, gap: gap).png()
    }

    /// The canvas of `previewGrid`.
    static func gridCanvas(source: ImageSet, target: ImageSet, columns: Int, rows: Int, scale: Int, gap: Int) -> Canvas {
        let cellH = max(source.height, target.height) * scale, cellW = max(source.width, target.width) * scale
        let channels = max(source.channels, target.channels) == 1 ? 1 : 3
        let blockGap = 3 * gap
        let width = columns * cellW + (columns + 1) * gap
        let height = 2 * rows * cellH + 2 * (rows - 1) * gap + 2 * gap + blockGap
        var canvas = Canvas(width: width, height: height, channels: channels, fill: 128)
        let useGroups = source.groups != nil && target.groups != nil
        func drawBlock(_ set: ImageSet, top: Int) {
            let byLabel = useGroups ? strata(set.groups!) : set.indicesByLabel()
            guard !byLabel.isEmpty else { return }
            for col in 0..<columns {
                let members = byLabel[col % byLabel.count]
                for row in 0..<rows {
                    let k = row + (col / byLabel.count) * rows  // repeat classes: later examples
                    guard k < members.count else { continue }
                    canvas.draw(set.image(members[k]), x: gap + col * (cellW + gap), y: top + row * (cellH + gap), scale: scale)
                }
            }
        }
        drawBlock(source, top: gap)
        drawBlock(target, top: gap + rows * (cellH + gap) - gap + blockGap)
        return canvas
    }

    /// `previewGrid` with labels in `BitmapFont` on white margins: "SOURCE" and "TARGET" left of
    /// their rows, and above each column the name of its class (`columnNames[j mod count]`, wrapped
    /// to two lines and cut to the column's width).
    public static func labelledPreview(source: ImageSet, target: ImageSet, columnNames: [String], columns: Int = 10,
                                       rows: Int = 2, scale: Int = 3, gap: Int = 2) -> [UInt8] {
        let grid = gridCanvas(source: source, target: target, columns: columns, rows: rows, scale: scale, gap: gap)
        let layout = LabelLayout(source: source, target: target, rows: rows, scale: scale, gap: gap)
        var canvas = Canvas(width: layout.left + grid.width, height: layout.top + grid.height, channels: grid.channels, fill: 255)
        canvas.paste(grid, x: layout.left, y: layout.top)
        let lineHeight = BitmapFont.height + 2
        for col in 0..<columns where !columnNames.isEmpty {
            let lines = BitmapFont.wrap(columnNames[col % columnNames.count],
                                        maxCharacters: (layout.cellWidth + 1) / (BitmapFont.width + 1), maxLines: 2)
            let centre = layout.left + gap + col * (layout.cellWidth + gap) + layout.cellWidth / 2
            for (k, line) in lines.enumerated() {
                canvas.write(line, x: centre - BitmapFont.width(of: line) / 2,
                             y: layout.top - 2 - (lines.count - k) * lineHeight + 2)
            }
        }
        for (name, middle) in [("SOURCE", layout.sourceMiddle), ("TARGET", layout.targetMiddle)] {
            canvas.write(name, x: 3, y: layout.top + middle - BitmapFont.height / 2)
        }
        return canvas.png()
    }

    /// Where `labelledPreview` puts its margins and row labels.
    struct LabelLayout {
        /// Width of the left margin and height of the top margin, in pixels.
        let left: Int, top: Int
        let cellWidth: Int
        /// The middle of the source and target blocks, from the top of the grid.
        let sourceMiddle: Int, targetMiddle: Int

        init(source: ImageSet, target: ImageSet, rows: Int, scale: Int, gap: Int) {
            let cellHeight = max(source.height, target.height) * scale
            cellWidth = max(source.width, target.width) * scale
            left = BitmapFont.width(of: "SOURCE") + 6
            top = 2 * (BitmapFont.height + 2) + 4
            let block = rows * cellHeight + (rows - 1) * gap
            sourceMiddle = gap + block / 2
            targetMiddle = gap + block + 3 * gap + block / 2
        }
    }

    /// Writes the preview of `shift` (source test examples above target test examples) to `path`:
    /// about 10 columns, a whole number of columns per class (or group), labelled with the class
    /// names (or "group N") and the rows with "SOURCE" and "TARGET".
    public static func write(shift: ShiftData, to path: String, rows: Int = 2, scale: Int = 3) throws {
        let strata = max(1, shift.groupCount ?? shift.classNames.count)
        // Columns follow groups when both sets carry them (as `previewGrid` does), else classes.
        let groups = shift.source.test.groups.flatMap { g in shift.target.test.groups.map { _ in g } }
        let names = groups.map { g in (0...max(g.max() ?? 0, 0)).map { "group \($0)" } } ?? shift.classNames
        let png = labelledPreview(source: shift.source.test, target: shift.target.test, columnNames: names,
                                  columns: strata * max(1, 10 / strata), rows: rows, scale: scale)
        try DataFile.writeAtomically(png, to: path)
    }

    static func strata(_ ids: [Int]) -> [[Int]] {
        var out = [[Int]](repeating: [], count: (ids.max() ?? -1) + 1)
        for (i, g) in ids.enumerated() where g >= 0 { out[g].append(i) }
        return out
    }

    /// Materializes `spec` and writes its preview to `path` (for `scalpel data preview --shift SPEC --out PATH`).
    public static func write(spec: String, to path: String, options: ShiftOptions = ShiftOptions()) throws {
        try write(shift: try ShiftSpec(parsing: spec).materialize(options), to: path)
    }
}
