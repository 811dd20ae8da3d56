import Foundation
import ScalpelTuning

/// The paper's Figure 4 (right): online test-time adaptation's cumulative accuracy against the
/// number of test images seen, one line per selection (with standard-error whiskers over seeds),
/// one panel per test set, and the accuracy without adaptation (and with BatchNorm's prior
/// alone, when the panel has one) as dashed references: their cumulative accuracy on the same
/// images when known, else their accuracy over the whole test set as a level.
public enum OnlineAdaptationFigure {
    /// One line: a label and its points (images seen, cumulative accuracy over seeds).
    public struct Series: Sendable {
        /// The legend label (method and selection).
        public var label: String
        /// Images seen and the cumulative accuracy (fraction, mean and standard error over seeds) there.
        public var points: [(seen: Int, accuracy: Summary)]

        /// A series from its label and points.
        public init(label: String, points: [(seen: Int, accuracy: Summary)]) {
            self.label = label
            self.points = points
        }
    }

    /// A baseline to read the lines against (fractions).
    public enum Reference: Sendable {
        /// Cumulative accuracy on the same first images, by images seen.
        case curve([(seen: Int, accuracy: Double)])
        /// Accuracy over the whole test set, drawn as a level.
        case level(Double)

        var values: [Double] {
            switch self {
            case .curve(let points): points.map(\.accuracy)
            case .level(let v): [v]
            }
        }
    }

    /// One test set.
    public struct Panel: Sendable {
        /// The panel's heading (test set, checkpoint, test size).
        public var title: String
        /// The lines of the panel, one per cell.
        public var series: [Series]
        /// References, drawn dashed.
        public var noAdaptation: Reference?
        /// Accuracy with BatchNorm's prior alone (nil when the panel has none).
        public var priorOnly: Reference?

        /// A panel from its lines and optional references.
        public init(title: String, series: [Series], noAdaptation: Reference? = nil, priorOnly: Reference? = nil) {
            self.title = title
            self.series = series
            self.noAdaptation = noAdaptation
            self.priorOnly = priorOnly
        }
    }

    /// The figure as an SVG document, panels side by side; nil when no panel has a point.
    public static func svg(panels: [Panel], title: String) -> String? {
        let panels = panels.filter { $0.series.contains { !$0.points.isEmpty } }
        guard !panels.isEmpty else { return nil }
        let panelWidth = 380.0, panelGap = 80.0, left = 60.0, plotTop = 50.0, plotHeight = 240.0
        let legendRows = panels.map { $0.series.count + ($0.noAdaptation == nil ? 0 : 1) + ($0.priorOnly == nil ? 0 : 1) }.max() ?? 0
        let longest = panels.flatMap { $0.series.map(\.label.count) }.max() ?? 0
        let width = max(left + Double(panels.count) * (panelWidth + panelGap), Double(title.count) * 7.5 + 20,
                        left + Double(longest) * 6.5 + 40)
        var c = SVGCanvas(width: width, height: plotTop + plotHeight + 55 + Double(legendRows) * 16 + 10)
        c.text(title, x: 10, y: 20, size: 14, weight: "bold")
        for (p, panel) in panels.enumerated() {
            draw(panel, on: &c, x0: left + Double(p) * (panelWidth + panelGap), top: plotTop, width: panelWidth,
                 height: plotHeight, yAxisLabel: p == 0)
        }
        return c.svg
    }

    /// One panel: axes, reference lines, the series and a legend below.
    static func draw(_ panel: Panel, on c: inout SVGCanvas, x0: Double, top: Double, width: Double, height: Double,
                     yAxisLabel: Bool) {
        let maxSeen = Double(panel.series.flatMap { $0.points.map(\.seen) }.max() ?? 1)
        let values = panel.series.flatMap { $0.points.flatMap { [$0.accuracy.mean - $0.accuracy.standardError,
                                                                  $0.accuracy.mean + $0.accuracy.standardError] } }
            + [panel.noAdaptation, panel.priorOnly].flatMap { $0?.values ?? [] }
        let low = 100 * (values.min() ?? 0), high = 100 * (values.max() ?? 1)
        let yTicks = Palette.ticks(low, high)
        let yMin = min(yTicks.first!, low), yMax = max(yTicks.last!, high)
        let xTicks = Palette.ticks(0, maxSeen).filter { $0 <= maxSeen * 1.0001 }
        func x(_ seen: Double) -> Double { x0 + width * seen / maxSeen }
        func y(_ v: Double) -> Double { top + height * (yMax - 100 * v) / (yMax - yMin) }

        c.text(panel.title, x: x0 + width / 2, y: top - 10, size: 11, anchor: "middle", weight: "bold")
        c.rect(x: x0, y: top, width: width, height: height, fill: "#fafafa")
        for (t, label) in zip(yTicks, Palette.tickLabels(yTicks)) {
            c.line(x0, y(t / 100), x0 + width, y(t / 100), stroke: "#ddd", width: 0.5)
            c.text(label, x: x0 - 4, y: y(t / 100) + 4, size: 10, anchor: "end")
        }
        for (t, label) in zip(xTicks, Palette.tickLabels(xTicks)) { c.text(label, x: x(t), y: top + height + 14, size: 10, anchor: "middle") }
        c.text("test images seen", x: x0 + width / 2, y: top + height + 30, size: 10, anchor: "middle")
        if yAxisLabel { c.text("cumulative accuracy (%)", x: 14, y: top + height / 2, size: 11, anchor: "middle", rotate: -90) }

        var legend: [(label: String, color: String, dash: String?)] = []
        for (reference, name, color, dash) in [(panel.noAdaptation, "no adaptation", "#555", "6 4"),
                                               (panel.priorOnly, "BatchNorm prior only", "#999", "2 3")] {
            switch reference {
            case .curve(let points)?:
                c.polyline(points.map { (x(Double($0.seen)), y($0.accuracy)) }, stroke: color, width: 1.2, dash: dash)
                for p in points {
                    c.circle(x(Double(p.seen)), y(p.accuracy), r: 1.5, fill: color,
                             title: "\(name): " + String(format: "%.1f%%", 100 * p.accuracy) + " after \(p.seen) images")
                }
                legend.append(("\(name), same images", color, dash))
            case .level(let v)?:
                c.line(x0, y(v), x0 + width, y(v), stroke: color, width: 1.2, dash: dash)
                legend.append(("\(name), whole test set (" + String(format: "%.1f%%", 100 * v) + ")", color, dash))
            case nil:
                continue
            }
        }
        for (k, s) in panel.series.enumerated() {
            let color = Palette.method(k)
            for p in s.points {
                let px = x(Double(p.seen))
                if p.accuracy.standardError > 0 {
                    c.line(px, y(p.accuracy.mean - p.accuracy.standardError), px, y(p.accuracy.mean + p.accuracy.standardError),
                           stroke: color)
                }
                c.circle(px, y(p.accuracy.mean), r: 2.5, fill: color,
                         title: "\(s.label): \(Format.percent(p.accuracy)) after \(p.seen) images")
            }
            if s.points.count > 1 { c.polyline(s.points.map { (x(Double($0.seen)), y($0.accuracy.mean)) }, stroke: color) }
            legend.append((s.label, color, nil))
        }
        for (k, item) in legend.enumerated() {
            let ly = top + height + 50 + Double(k) * 16
            c.line(x0, ly - 4, x0 + 18, ly - 4, stroke: item.color, width: 2, dash: item.dash)
            c.text(item.label, x: x0 + 24, y: ly, size: 11)
        }
    }
}
