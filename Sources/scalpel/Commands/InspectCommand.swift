import ArgumentParser
import Foundation
import ScalpelNN

/// `scalpel inspect`: a model's blocks, their parameters and what a selection would train.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's blocks and parameters, and what a selection trains.",
        discussion: """
        Blocks are the units of surgical fine-tuning (ResNet-26: stem, block1, block2, block3, last). With \
        --tune, each parameter is marked trainable or frozen and the trainable share is printed.

        Selections: a block (block1), unions (stem+block1), ranges (block1...block3), all, first:N / last:N, \
        exclusions (all-last), and regular expressions (re:layer3\\..*conv.*).
        """)

    @OptionGroup var model: ModelOptions

    @Option(name: .long, help: "Selection of the parameters to train, e.g. block2 or stem+block1.")
    var tune: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let m = try model.configuration.build()
        let trainable = try tune.map { try Selection(parsing: $0).parameterNames(in: m) } ?? Set(m.namedParameters().map(\.0))
        let report = InspectionReport(model: m, trainable: trainable, selection: tune)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
        }
    }
}

/// What `inspect` reports: per block, its parameters and counts.
struct InspectionReport: Encodable {
    struct Parameter: Encodable { let name: String; let shape: [Int]; let count: Int; let trainable: Bool }
    struct BlockInfo: Encodable { let name: String; let count: Int; let trainable: Int; let parameters: [Parameter] }
    let architecture: String
    let selection: String?
    let blocks: [BlockInfo]
    let total: Int
    let trainable: Int
    let trainablePercent: Double

    init(model: BlockModel, trainable names: Set<String>, selection: String?) {
        architecture = model.architecture
        self.selection = selection
        blocks = model.parametersByBlock().map { block, params in
            let ps = params.map { Parameter(name: $0.0, shape: $0.1.shape, count: $0.1.count, trainable: names.contains($0.0)) }
            return BlockInfo(name: block, count: ps.reduce(0) { $0 + $1.count },
                             trainable: ps.filter(\.trainable).reduce(0) { $0 + $1.count }, parameters: ps)
        }
        total = blocks.reduce(0) { $0 + $1.count }
        trainable = blocks.reduce(0) { $0 + $1.trainable }
        trainablePercent = total == 0 ? 0 : 100 * Double(trainable) / Double(total)
    }

    var table: String {
        var lines = ["\(architecture): \(blocks.count) blocks, \(total) parameters"]
        for b in blocks {
            lines.append("")
            lines.append("\(b.name)  (\(b.count) parameters\(selection == nil ? "" : ", \(b.trainable) trainable"))")
            for p in b.parameters {
                let mark = selection == nil ? "  " : (p.trainable ? "✓ " : "· ")
                lines.append("  \(mark)\(p.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(p.shape)  \(p.count)")
            }
        }
        if let selection {
            lines.append("")
            lines.append("--tune \(selection): \(trainable) of \(total) parameters trainable (\(String(format: "%.2f", trainablePercent))%)")
        }
        return lines.joined(separator: "\n")
    }
}
