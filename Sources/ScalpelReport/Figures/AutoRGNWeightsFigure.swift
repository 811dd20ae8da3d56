/// The paper's Figure 6: Auto-RGN's learning-rate weight of every parameter tensor, accumulated
/// over the epochs of a run. One panel per shift; tensors in forward order, bars coloured by
/// block (the block palette, with a legend) and stacked by epoch (more opaque = later), so each
/// bar's height is the accumulated weight.
public enum AutoRGNWeightsFigure {
    /// One panel: a run's per-epoch weights and the model's tensors in order with their blocks.
    public struct Panel {
        /// The panel's heading (in reports: the column, method, target size, seed and learning rate).
        public var title: String
        /// Weights of each epoch, in epoch order.
        public var epochs: [[String: Double]]
        /// (tensor name, block name) in forward order.
        public var tensors: [(name: String, block: String)]

        /// A panel from its fields; tensors missing from an epoch count as weight 0.
        public init(title: String, epochs: [[String: Double]], tensors: [(name: String, block: String)]) {
            self.title = title
            self.epochs = epochs
            self.tensors = tensors
        }
    }

    /// The figure as an SVG document, panels stacked vertically; nil when no panel has an epoch.
    public static func svg(panels: [Panel], title: String) -> String? {
        let panels = panels.filter { !$0.epochs.isEmpty }
        guard !panels.isEmpty else { return nil }
        let plotHeight = 160.0, panelGap = 70.0, left = 55.0, top = 40.0
        let widest = panels.map { $0.tensors.count }.max() ?? 1
        let barWidth = max(min(600.0 / Double(max(widest, 1)), 14), 3)
        // Wide enough for the bars and the legend, and for the longest panel title (12 px bold) and axis note.
        let longestTitle = Double(panels.map(\.title.count).max() ?? 0)
        let width = max(left + Double(widest) * barWidth + 180, left + longestTitle * 7.5 + 20, left + 330, Double(title.count) * 8 + 20)
        var c = SVGCanvas(width: width, height: top + Double(panels.count) * (plotHeight + panelGap))
        c.text(title, x: 10, y: 20, size: 14, weight: "bold")
        for (p, panel) in panels.enumerated() {
            let y0 = top + Double(p) * (plotHeight + panelGap) + 20
            let blocks = panel.tensors.map(\.block).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let totals = panel.tensors.map { t in panel.epochs.reduce(0) { $0 + ($1[t.name] ?? 0) } }
            let top = totals.max() ?? 0
            let ticks = Palette.ticks(0, top, count: 4)
            let yMax = max(ticks.last ?? top, top)
            func h(_ v: Double) -> Double { yMax > 0 ? plotHeight * v / yMax : 0 }
            c.text(panel.title, x: left, y: y0 - 8, size: 12, weight: "bold")
            for (t, label) in zip(ticks, Palette.tickLabels(ticks)) {
                c.line(left, y0 + plotHeight - h(t), left + Double(panel.tensors.count) * barWidth, y0 + plotHeight - h(t), stroke: "#ddd", width: 0.5)
                c.text(label, x: left - 4, y: y0 + plotHeight - h(t) + 4, size: 10, anchor: "end")
            }
            if p == 0 { c.text("accumulated weight", x: 14, y: y0 + plotHeight / 2, size: 11, anchor: "middle", rotate: -90) }
            for (i, tensor) in panel.tensors.enumerated() {
                let colour = Palette.block(blocks.firstIndex(of: tensor.block) ?? 0, of: blocks.count)
                var base = y0 + plotHeight
                for (e, weights) in panel.epochs.enumerated() {
                    let v = weights[tensor.name] ?? 0
                    let opacity = 0.35 + 0.65 * Double(e + 1) / Double(panel.epochs.count)
                    c.rect(x: left + Double(i) * barWidth, y: base - h(v), width: barWidth * 0.85, height: h(v),
                           fill: colour + String(format: "%02x", Int(255 * opacity)),
                           title: "\(tensor.name) (\(tensor.block)), epoch \(e + 1): \(String(format: "%.3f", v))")
                    base -= h(v)
                }
            }
            c.line(left, y0 + plotHeight, left + Double(panel.tensors.count) * barWidth, y0 + plotHeight, stroke: "#222")
            c.text("parameter tensors, input → output (\(panel.epochs.count) epochs stacked)", x: left, y: y0 + plotHeight + 16, size: 10)
            let lx = left + Double(panel.tensors.count) * barWidth + 20
            c.text("blocks", x: lx, y: y0 + 4, size: 11, weight: "bold")
            for (k, b) in blocks.enumerated() {
                let ly = y0 + 20 + Double(k) * 15
                c.rect(x: lx, y: ly - 9, width: 10, height: 10, fill: Palette.block(k, of: blocks.count))
                c.text(b, x: lx + 15, y: ly, size: 11)
            }
        }
        return c.svg
    }
}
