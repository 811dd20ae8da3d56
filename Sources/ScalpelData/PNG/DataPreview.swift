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
        return canvas.png()
    }

    /// Writes the preview of `shift` (source test examples above target test examples) to `path`:
    /// about 10 columns, a whole number of columns per class (or group).
    public static func write(shift: ShiftData, to path: String, rows: Int = 2, scale: Int = 3) throws {
        let strata = max(1, shift.groupCount ?? shift.classNames.count)
        let png = previewGrid(source: shift.source.test, target: shift.target.test,
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
