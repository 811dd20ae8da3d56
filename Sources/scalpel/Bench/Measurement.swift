import Foundation

/// Timing and memory probes shared by the benchmarks.
enum Measure {
    /// Wall-clock seconds that `body` takes.
    static func seconds(_ body: () -> Void) -> Double {
        let elapsed = ContinuousClock().measure(body)
        let (s, atto) = elapsed.components
        return Double(s) + Double(atto) * 1e-18
    }

    /// Runs `run` `warmup` times untimed, then `runs` times, and returns the seconds each timed
    /// run reported. `run` times the part it wants measured (see `seconds`) and returns it, so
    /// setup such as the forward pass before a backward pass stays outside the figure.
    static func samples(warmup: Int, runs: Int, _ run: () -> Double) -> Samples {
        for _ in 0..<warmup { _ = run() }
        return Samples((0..<max(1, runs)).map { _ in run() })
    }

    /// The most memory this process has had resident (VmHWM in /proc/self/status), in bytes.
    static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
        }
        return nil
    }
}

/// Timed runs of one case, in seconds.
struct Samples {
    let values: [Double]

    init(_ values: [Double]) { self.values = values.sorted() }

    var median: Double {
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }

    var fastest: Double { values.first ?? 0 }

    /// Spread of the middle half relative to the median: (q3 − q1) / median.
    var spread: Double {
        let n = values.count
        guard n >= 4, median > 0 else { return 0 }
        return (values[(3 * n) / 4] - values[n / 4]) / median
    }
}

/// Prints an Encodable value as sorted, indented JSON with snake_case keys.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Formats a number with a fixed count of decimals.
func fixed(_ x: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }

/// Pads `text` on the left (numbers) or right (names) to `width` characters.
func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? fill + text : text + fill
}
