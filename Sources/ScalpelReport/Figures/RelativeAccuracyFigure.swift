/// The paper's Figure 2: per shift, bars of each method's test accuracy relative to full
/// fine-tuning (percentage points), one panel per shift, on a shared vertical scale.
public enum RelativeAccuracyFigure {
    /// `relative[shift][method]` as fractions (0.012 = +1.2 points); methods drawn in `methods` order,
    /// each in its colour of `colors` (the method palette; by default by place in `methods`), with a legend.
    public static func svg(relative: [String: [String: Double]], shifts: [String], methods: [String], title: String,
                           colors: [String: String]? = nil) -> String? {
        let shown = shifts.filter { relative[$0] != nil }
        let bars = methods.filter { m in shown.contains { relative[$0]?[m] != nil } }
        guard !shown.isEmpty, !bars.isEmpty else { return nil }
        let values = shown.flatMap { s in bars.compactMap { relative[s]?[$0] } }.map { 100 * $0 }
        let low = min(values.min()!, 0), high = max(values.max()!, 0)
        let ticks = Palette.ticks(low, high)
        let colors = colors ?? Palette.methodColors(methods)
        let yMin = min(ticks.first!, low), yMax = max(ticks.last!, high)
        let panelWidth = max(Double(bars.count) * 26 + 30, 170), plotTop = 50.0, plotHeight = 220.0, left = 60.0
        let longest = Double(bars.map(\.count).max() ?? 0)
        let legendTop = plotTop + plotHeight + 20 + longest * 5 + 20
        var c = SVGCanvas(width: max(left + Double(shown.count) * panelWidth + 20, Double(title.count) * 7.5 + 20, left + longest * 6.5 + 40),
                          height: legendTop + Double(bars.count) * 16 + 10)
        func y(_ v: Double) -> Double { plotTop + plotHeight * (yMax - v) / (yMax - yMin) }
        c.text(title, x: 10, y: 20, size: 14, weight: "bold")
        c.text("accuracy − full fine-tuning (points)", x: 14, y: plotTop + plotHeight / 2, size: 11, anchor: "middle", rotate: -90)
        for (t, label) in zip(ticks, Palette.tickLabels(ticks, signed: true)) {
            c.line(left - 4, y(t), left + Double(shown.count) * panelWidth, y(t), stroke: "#ddd", width: 0.5)
            c.text(label, x: left - 6, y: y(t) + 4, size: 10, anchor: "end")
        }
        for (p, shift) in shown.enumerated() {
            let x0 = left + Double(p) * panelWidth + 15
            c.text(shift, x: x0 + (panelWidth - 30) / 2, y: plotTop - 10, size: 11, anchor: "middle", weight: "bold")
            let step = (panelWidth - 30) / Double(bars.count)
            for (i, m) in bars.enumerated() {
                guard let v = relative[shift]?[m].map({ 100 * $0 }) else { continue }
                let x = x0 + Double(i) * step + step * 0.15
                c.rect(x: x, y: min(y(v), y(0)), width: step * 0.7, height: abs(y(v) - y(0)), fill: colors[m] ?? Palette.method(i),
                       title: "\(shift) \(m): \(String(format: "%+.2f", v)) points")
                c.text(m, x: x + step * 0.35, y: plotTop + plotHeight + 12, size: 10, anchor: "end", rotate: -45)
            }
            c.line(x0 - 5, y(0), x0 + panelWidth - 25, y(0), stroke: "#222", width: 1)
        }
        c.text("methods", x: left, y: legendTop - 6, size: 11, weight: "bold")
        for (k, m) in bars.enumerated() {
            let ly = legendTop + 12 + Double(k) * 16
            c.rect(x: left, y: ly - 9, width: 12, height: 10, fill: colors[m] ?? Palette.method(k))
            c.text(m, x: left + 18, y: ly, size: 11)
        }
        return c.svg
    }
}
