import Foundation
import ScalpelExperiments
import ScalpelTuning

/// The report's SVG figures: Figure 2 (relative accuracy), Figure 4 (data efficiency, online
/// adaptation) and Figure 6 (Auto-RGN's weights).
extension Report {
    /// The figures as (file name, caption, SVG).
    public var figures: [(file: String, caption: String, svg: String)] {
        var out: [(String, String, String)] = []
        for a in data.architectures {
            let suffix = data.architectures.count > 1 ? "-\(a)" : ""
            let columns = data.columns(architecture: a)
            let labels = columns.map(\.label)
            let methodColors = Palette.methodColors(data.methods)
            for n in data.targetSizes {
                let rel = data.relativeToAll(architecture: a, targetSize: n)
                let sizeSuffix = data.targetSizes.count > 1 ? "-n\(n)" : ""
                if let svg = RelativeAccuracyFigure.svg(relative: rel, shifts: labels, methods: data.methods.filter { $0 != "all" },
                                                        title: "Accuracy relative to full fine-tuning — \(a), n=\(n)",
                                                        colors: methodColors) {
                    out.append(("figure2-relative\(suffix)\(sizeSuffix).svg",
                                "Each method's test accuracy minus full fine-tuning's, per shift, in the method colours (Figure 2).", svg))
                }
            }
            var accuracy: [String: [String: [Int: Summary]]] = [:]
            for c in columns {
                for m in data.methods {
                    for n in data.targetSizes {
                        if let s = data.cell(c, targetSize: n, method: m)?.testAccuracy { accuracy[c.label, default: [:]][m, default: [:]][n] = s }
                    }
                }
            }
            if let svg = DataEfficiencyFigure.svg(accuracy: accuracy, shifts: labels, methods: data.methods,
                                                  sizes: data.targetSizes, title: "Accuracy against target-set size — \(a)",
                                                  colors: methodColors) {
                out.append(("figure4-data-efficiency\(suffix).svg", "Test accuracy against tune examples per class (Figure 4, left).", svg))
            }
            if let svg = AutoRGNWeightsFigure.svg(panels: autoRGNPanels(columns), title: "Auto-RGN weights per tensor — \(a)") {
                out.append(("figure6-auto-rgn\(suffix).svg",
                            "Auto-RGN's per-tensor weights accumulated over epochs, in the block colours (input dark, output light), for the chosen run " +
                            "of the first seed (Figure 6).", svg))
            }
        }
        return out + adaptationFigures
    }

    /// Figure 4 (right) per architecture of the adaptation runs: a panel per test set with online runs.
    public var adaptationFigures: [(file: String, caption: String, svg: String)] {
        let architectures = data.adaptationArchitectures
        return architectures.compactMap { a in
            let panels = data.adaptationPanels.filter { $0.architecture == a }.compactMap { p -> OnlineAdaptationFigure.Panel? in
                let cells = p.onlineCells
                guard !cells.isEmpty else { return nil }
                let series = zip(p.labels(cells), cells).map { OnlineAdaptationFigure.Series(label: $0, points: $1.curve) }
                // The baselines on the same images when the runs recorded them, else their levels;
                // BatchNorm's prior alone only when the panel's MEMO runs share one (TENT has none).
                let curve = p.baselineCurve
                let priors = Set(cells.compactMap { $0.priorOnly?.mean })
                let noAdaptation: OnlineAdaptationFigure.Reference? = curve.isEmpty
                    ? cells.first?.noAdaptation.map { .level($0.mean) } : .curve(curve.map { ($0.seen, $0.noAdaptation) })
                let priorCurve = curve.compactMap { b in b.priorOnly.map { (seen: b.seen, accuracy: $0) } }
                let priorOnly: OnlineAdaptationFigure.Reference? = !priorCurve.isEmpty
                    ? .curve(priorCurve) : (priors.count == 1 ? .level(priors.first!) : nil)
                return OnlineAdaptationFigure.Panel(title: data.title(of: p), series: series, noAdaptation: noAdaptation,
                                                    priorOnly: priorOnly)
            }
            guard let svg = OnlineAdaptationFigure.svg(panels: panels, title: "Online test-time adaptation — \(a)") else { return nil }
            return ("figure4-online-adaptation\(architectures.count > 1 ? "-\(a)" : "").svg",
                    "Cumulative accuracy against test images seen while adapting online, a line per selection " +
                    "(mean over seeds, standard-error whiskers); dashed: no adaptation and BatchNorm's prior alone on the " +
                    "same images (Figure 4, right).",
                    svg)
        }
    }

    /// One Figure 6 panel per column (and target size) with an Auto-RGN cell: the chosen run of its first seed.
    func autoRGNPanels(_ columns: [StudyColumn]) -> [AutoRGNWeightsFigure.Panel] {
        var panels: [AutoRGNWeightsFigure.Panel] = []
        for n in data.targetSizes {
            for c in columns {
                let order = data.models[c.checkpoint.sha256]?.decodedParameters.map { ($0.name, $0.block) }
                for m in data.methods where m.hasPrefix("auto-rgn") {
                    guard let cell = data.cell(c, targetSize: n, method: m), let seed = cell.seeds.first(where: { cell.chosen[$0] != nil }),
                          let run = cell.chosen[seed] else { continue }
                    let epochs = run.result.epochs.compactMap(\.tensorWeights)
                    let tensors = order ?? epochs.first.map { $0.keys.sorted().map { ($0, "") } } ?? []
                    panels.append(.init(title: "\(c.label) — \(m), n=\(n), seed \(seed), lr \(Float(run.record.learningRate))",
                                        epochs: epochs, tensors: tensors.map { (name: $0.0, block: $0.1) }))
                }
            }
        }
        return panels
    }
}
