import Foundation

/// A hand-written SVG document: shapes and text appended in drawing order.
public struct SVGCanvas {
    /// Document width in pixels.
    public let width: Double
    /// Document height in pixels.
    public let height: Double
    private var body: [String] = []

    /// An empty canvas of the given size in pixels.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A filled rectangle (negative sizes drawn as 0), with an optional hover tooltip `title`.
    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil) {
        let tip = title.map { "<title>\(HTML.plain($0))</title>" } ?? ""
        body.append("<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(width, 0)))\" " +
                    "height=\"\(Self.n(max(height, 0)))\" fill=\"\(fill)\">\(tip)</rect>")
    }

    /// A straight line; `dash` is an SVG `stroke-dasharray` value such as `4 3`.
    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#444",
                              width: Double = 1, dash: String? = nil) {
        body.append("<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" " +
                    "stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"" + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    /// An unfilled polyline through `points` (x, y); `dash` as in `line`.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"" +
                    (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    /// A filled circle of radius `r`, with an optional hover tooltip `title`.
    public mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, title: String? = nil) {
        let tip = title.map { "<title>\(HTML.plain($0))</title>" } ?? ""
        body.append("<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\">\(tip)</circle>")
    }

    /// Text; `anchor` is start, middle or end; `rotate` in degrees about the anchor point.
    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 11, anchor: String = "start",
                              rotate: Double = 0, weight: String = "normal", fill: String = "#222") {
        let transform = rotate == 0 ? "" : " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\""
        body.append("<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor)\" " +
                    "font-weight=\"\(weight)\" fill=\"\(fill)\"\(transform)>\(HTML.plain(s))</text>")
    }

    /// The document.
    public var svg: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" " +
            "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n" +
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body.joined(separator: "\n") + "\n</svg>\n"
    }
}
