import ScalpelTuning

/// The paper's Figure 4 (left): test accuracy against the number of target examples, one line
/// per method with standard-error whiskers, one panel per shift; sizes evenly spaced (log-like).
public enum DataEfficiencyFigure {
    /// `accuracy[shift][method][size]`; each method in its colour of `colors` (the method palette;
    /// by default by place in `methods`), with a legend.
    public static func svg(accuracy: [String: [String: [Int: Summary]]], shifts: [String], methods: [String],
                           sizes: [Int], title: String, colors: [String: String]? = nil) -> String? {
        let colors = colors ?? Palette.methodColors(methods)
        let shown = shifts.filter { accuracy[$0] != nil }
        guard sizes.count > 1, !shown.isEmpty else { return nil }
        let panelWidth = 260.0, plotTop = 50.0, plotHeight = 200.0, left = 55.0
        let legendHeight = Double(methods.count) * 16 + 20
        var c = SVGCanvas(width: left + Double(shown.count) * (panelWidth + 30) + 10, height: plotTop + plotHeight + 50 + legendHeight)
        c.text(title, x: 10, y: 20, size: 14, weight: "bold")
        for (p, shift) in shown.enumerated() {
            let x0 = left + Double(p) * (panelWidth + 30)
            let values = accuracy[shift]!.values.flatMap { $0.values.flatMap { [$0.mean - $0.standardError, $0.mean + $0.standardError] } }
            let ticks = Palette.ticks(100 * (values.min() ?? 0), 100 * (values.max() ?? 1))
            let yMin = min(ticks.first!, 100 * (values.min() ?? 0)), yMax = max(ticks.last!, 100 * (values.max() ?? 1), yMin + 1)
            func y(_ v: Double) -> Double { plotTop + plotHeight * (yMax - 100 * v) / (yMax - yMin) }
            func x(_ i: Int) -> Double { x0 + 15 + (panelWidth - 30) * Double(i) / Double(sizes.count - 1) }
            c.text(shift, x: x0 + panelWidth / 2, y: plotTop - 10, size: 11, anchor: "middle", weight: "bold")
            c.rect(x: x0, y: plotTop, width: panelWidth, height: plotHeight, fill: "#fafafa")
            for (t, label) in zip(ticks, Palette.tickLabels(ticks)) {
                c.line(x0, plotTop + plotHeight * (yMax - t) / (yMax - yMin), x0 + panelWidth, plotTop + plotHeight * (yMax - t) / (yMax - yMin), stroke: "#ddd", width: 0.5)
                c.text(label, x: x0 - 4, y: plotTop + plotHeight * (yMax - t) / (yMax - yMin) + 4, size: 10, anchor: "end")
            }
            for (i, n) in sizes.enumerated() { c.text("\(n)", x: x(i), y: plotTop + plotHeight + 14, size: 10, anchor: "middle") }
            c.text("tune examples per class", x: x0 + panelWidth / 2, y: plotTop + plotHeight + 30, size: 10, anchor: "middle")
            if p == 0 { c.text("test accuracy (%)", x: 14, y: plotTop + plotHeight / 2, size: 11, anchor: "middle", rotate: -90) }
            for m in methods {
                let color = colors[m] ?? Palette.method(0)
                let pts = sizes.enumerated().compactMap { i, n in accuracy[shift]?[m]?[n].map { (i, $0) } }
                for (i, s) in pts {
                    c.line(x(i), y(s.mean - s.standardError), x(i), y(s.mean + s.standardError), stroke: color)
                    c.circle(x(i), y(s.mean), r: 3, fill: color,
                             title: "\(m), n=\(sizes[i]): \(Format.percent(s))")
                }
                if pts.count > 1 { c.polyline(pts.map { (x($0.0), y($0.1.mean)) }, stroke: color) }
            }
        }
        for (k, m) in methods.enumerated() {
            let ly = plotTop + plotHeight + 55 + Double(k) * 16
            c.rect(x: left, y: ly - 9, width: 12, height: 10, fill: colors[m] ?? Palette.method(k))
            c.text(m, x: left + 18, y: ly, size: 11)
        }
        return c.svg
    }
}
