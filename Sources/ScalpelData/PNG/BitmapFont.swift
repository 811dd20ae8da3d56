/// A 5 × 7 pixel bitmap font for labelling PNG previews: upper-case letters, digits and a few
/// marks; lower case is drawn as upper case, other characters as `?`. Glyphs are drawn for this
/// project, one string of `#` (ink) and `.` (paper) per row.
public enum BitmapFont {
    /// Width and height of a glyph in pixels; characters advance by `width + 1`, lines by `height + 2`.
    public static let width = 5, height = 7

    /// The rows of each glyph, top to bottom.
    public static let glyphs: [Character: [String]] = [
        "A": [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        "B": ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
        "C": [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
        "D": ["####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."],
        "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
        "F": ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
        "G": [".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"],
        "H": ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        "I": [".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."],
        "J": ["..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."],
        "K": ["#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"],
        "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
        "M": ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
        "N": ["#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"],
        "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
        "Q": [".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"],
        "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
        "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
        "T": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
        "U": ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        "V": ["#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
        "W": ["#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."],
        "X": ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
        "Y": ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
        "Z": ["#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"],
        "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        "3": ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
        "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        "6": ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        "9": [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
        " ": [".....", ".....", ".....", ".....", ".....", ".....", "....."],
        "-": [".....", ".....", ".....", "#####", ".....", ".....", "....."],
        "_": [".....", ".....", ".....", ".....", ".....", ".....", "#####"],
        ".": [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."],
        ",": [".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."],
        ":": [".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."],
        "(": ["...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."],
        ")": [".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."],
        "/": [".....", "....#", "...#.", "..#..", ".#...", "#....", "....."],
        "+": [".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."],
        "?": [".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."],
    ]

    /// The glyph drawn for `c`: its own, its upper case's, or `?`.
    public static func glyph(_ c: Character) -> [String] {
        glyphs[c] ?? glyphs[Character(c.uppercased())] ?? glyphs["?"]!
    }

    /// The width in pixels of `text` in one line.
    public static func width(of text: String) -> Int { text.isEmpty ? 0 : text.count * (width + 1) - 1 }

    /// `text` split at spaces into at most `maxLines` lines of at most `maxCharacters` each; a word
    /// longer than a line is cut, and text beyond the last line is dropped (the last kept character
    /// becomes `.` to show the cut).
    public static func wrap(_ text: String, maxCharacters: Int, maxLines: Int) -> [String] {
        guard maxCharacters > 0, maxLines > 0 else { return [] }
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ").map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if candidate.count <= maxCharacters { current = candidate; continue }
            if !current.isEmpty { lines.append(current) }
            current = word
            while current.count > maxCharacters {
                lines.append(String(current.prefix(maxCharacters)))
                current = String(current.dropFirst(maxCharacters))
            }
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maxLines else { return lines }
        var kept = Array(lines.prefix(maxLines))
        kept[maxLines - 1] = String(kept[maxLines - 1].prefix(maxCharacters - 1)) + "."
        return kept
    }
}

extension Canvas {
    /// Sets every channel of the pixels in the rectangle to `value` (clipped to the canvas).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, value: UInt8) {
        let (x0, x1, y0, y1) = (max(x, 0), min(x + w, width), max(y, 0), min(y + h, height))
        guard x0 < x1, y0 < y1 else { return }
        for py in y0..<y1 {
            for px in x0..<x1 {
                for c in 0..<channels { bytes[(py * width + px) * channels + c] = value }
            }
        }
    }

    /// Copies `other` (of the same channel count) with its top-left corner at (`x`, `y`), clipped.
    public mutating func paste(_ other: Canvas, x: Int, y: Int) {
        precondition(other.channels == channels, "paste needs equal channel counts")
        for oy in 0..<other.height where y + oy >= 0 && y + oy < height {
            for ox in 0..<other.width where x + ox >= 0 && x + ox < width {
                for c in 0..<channels {
                    bytes[((y + oy) * width + x + ox) * channels + c] = other.bytes[(oy * other.width + ox) * channels + c]
                }
            }
        }
    }

    /// Writes `text` in `BitmapFont` with its top-left corner at (`x`, `y`), ink pixels set to
    /// `ink` in every channel; paper pixels are left as they are.
    public mutating func write(_ text: String, x: Int, y: Int, ink: UInt8 = 0) {
        for (i, character) in text.enumerated() {
            for (row, bits) in BitmapFont.glyph(character).enumerated() {
                for (column, bit) in bits.enumerated() where bit == "#" {
                    fill(x: x + i * (BitmapFont.width + 1) + column, y: y + row, width: 1, height: 1, value: ink)
                }
            }
        }
    }
}
