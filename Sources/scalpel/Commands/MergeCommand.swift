import ArgumentParser
import ScalpelExperiments

/// `scalpel merge`: combines results databases (the shards of a sweep) into one.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge results databases (e.g. the shards of a sweep) into one.",
        discussion: """
        Runs and adaptation runs are identified by the hash of their configuration: a run present \
        in several inputs is kept once (a finished run replaces a failed one). The target may be \
        missing (it is created) or a results database (its runs are kept); any other file is \
        refused. Every input is read in full first, and the merged database is built in a \
        temporary file beside the target and renamed onto it, so a bad input or a killed merge \
        leaves the target as it was.

        Exit status: 0 on success; otherwise that of the error (64 usage, 65 an input or target \
        that cannot be used, named; see docs/scaling.md).
        """)

    @Argument(help: "Results databases to merge.")
    var inputs: [String]

    @Option(name: .long, help: "The database to merge into.")
    var into: String

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("name at least one database to merge") }
    }

    func run() throws {
        for (input, s) in try ResultsMerge.merge(inputs, into: into) {
            print("\(input): \(s.added) runs added, \(s.alreadyPresent) already present, \(s.replacedFailures) failures replaced")
            if s.adaptationAdded + s.adaptationAlreadyPresent + s.adaptationReplacedFailures > 0 {
                print("\(input): \(s.adaptationAdded) adaptation runs added, \(s.adaptationAlreadyPresent) already present, " +
                      "\(s.adaptationReplacedFailures) failures replaced")
            }
        }
        let target = try ResultsDatabase(readingFrom: into)
        func describe(_ counts: [RunRecord.Status: Int]) -> String {
            counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
        }
        let adaptation = Dictionary(grouping: try target.adaptationRuns(), by: \.status).mapValues(\.count)
        print("\(into): " + [describe(try target.statusCounts()),
                             adaptation.isEmpty ? "" : "adaptation runs: \(describe(adaptation))"]
            .filter { !$0.isEmpty }.joined(separator: "; "))
    }
}
