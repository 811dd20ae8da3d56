import Foundation

/// Colours and axis helpers shared by the figures. Each meaning has its own scheme, so a colour
/// never stands for two things in one report: methods (and selections) take the qualitative
/// `methodColors`, a model's blocks the sequential `blockColors` (input dark, output light).
public enum Palette {
    /// The method palette, qualitative (Tableau 10): one colour per method, by its place in the
    /// report's method order, the same in every figure.
    public static let methodColors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                                      "#ff9da7", "#9c755f", "#bab0ac"]

    /// The block palette, sequential (viridis stops): blocks in forward order run from dark
    /// purple (the input side) to yellow (the output side). It shares no colour with `methodColors`.
    public static let blockColors = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89",
                                     "#35b779", "#6ece58", "#b5de2b", "#fde725"]

    /// The colour of the `i`-th method (wrapping around after ten).
    public static func method(_ i: Int) -> String { methodColors[((i % methodColors.count) + methodColors.count) % methodColors.count] }

    /// The old name of `method(_:)`, kept for code written before the block palette existed.
    @available(*, deprecated, renamed: "method(_:)")
    public static func color(_ i: Int) -> String { method(i) }

    /// Method colours keyed by name, in `methods` order: pass the report's whole method list so a
    /// method keeps its colour in figures that leave some methods out.
    public static func methodColors(_ methods: [String]) -> [String: String] {
        Dictionary(methods.enumerated().map { ($1, method($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The colour of block `i` of `count` blocks in forward order: evenly spread over the
    /// sequential palette, so the first block is the darkest and the last the lightest.
    public static func block(_ i: Int, of count: Int) -> String {
        guard count > 1 else { return blockColors[blockColors.count / 2] }
        let position = Double(min(max(i, 0), count - 1)) / Double(count - 1)
        return blockColors[Int((position * Double(blockColors.count - 1)).rounded())]
    }

    /// "Nice" tick values (steps of 1, 2, 2.5 or 5 × 10ᵏ) enclosing `low...high`, about `count` of them;
    /// the first is ≤ low and the last ≥ high, so an axis from first to last holds every value.
    /// A constant series (`high <= low`) gets a range around its value: `0...1` for zero (the
    /// quantities drawn are accuracies and weights, not negative), else ± half its order of magnitude.
    public static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite else { return [0, 1] }
        var (low, high) = (low, high)
        if !(high > low) {
            let value = low
            if value == 0 { (low, high) = (0, 1) } else {
                let half = pow(10, floor(log10(abs(value)))) / 2
                (low, high) = (value - half, value + half)
            }
        }
        let raw = (high - low) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        let first = (low / step + 1e-9).rounded(.down), last = (high / step - 1e-9).rounded(.up)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Labels for `ticks` with as many decimals as their step needs (at most four), so distinct
    /// ticks get distinct labels: `0, 0.2, 0.4` rather than `0, 0, 0`; `signed` writes `+`.
    public static func tickLabels(_ ticks: [Double], signed: Bool = false) -> [String] {
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
        let decimals = (0...4).first { d in
            let scaled = step * pow(10, Double(d))
            return abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled)
        } ?? 4
        return ticks.map { t in
            let v = abs(t) < step * 1e-9 ? 0 : t  // no "-0.0"
            return String(format: signed ? "%+.\(decimals)f" : "%.\(decimals)f", v)
        }
    }
}
