import ArgumentParser
import Foundation
import Logging
import ScalpelExperiments

/// `scalpel sweep`: runs every run of an experiment specification into a results database.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every cell of an experiment specification (YAML) into a SQLite results database.",
        discussion: """
        One run per shift × method × target size × learning rate × hyperparameter × seed (and \
        checkpoint). The whole specification is validated before any run. Runs are keyed by a \
        hash of their configuration: runs already in the database are skipped, so a killed sweep \
        resumes where it stopped. Each run is written in one transaction.

        An `adaptation:` section adds test-time adaptation runs (MEMO, TENT) on the same \
        checkpoints and shifts: one per group × mode × selection × learning rate × seed, each \
        computing what `scalpel adapt` computes for the same identity; they run after the \
        fine-tuning runs, resume and shard the same way. See docs/experiments.md.

        Sweeps started on one database divide its runs: each run is claimed in the database \
        before it starts, a claim whose process died (or stopped refreshing it for 120 s) is \
        taken over, and a sweep ends when every run of its share is recorded, by it or another.

        --shard I/N runs the runs whose key is I modulo N (0 ≤ I < N); in a SLURM job array \
        without --shard, the shard is SLURM_ARRAY_TASK_ID of SCALPEL_SHARDS (which must be set). \
        Merge shard databases with `scalpel merge`; see docs/scaling.md.

        --reuse OTHER.sqlite (repeatable; also the spec's `reuse:` list) shares runs between \
        studies: a run whose key a finished run of OTHER has (the same checkpoint, shift, method, \
        sizes, grid point and options) is copied into --db with its experiment and tool commit \
        instead of computed; OTHER is only read. Cross-Val's block runs are the studies' \
        `surgical:<block>` runs: found in --db or OTHER, or computed and recorded as such. See \
        docs/experiments.md.

        Exit status: 0 when every run is recorded and none failed; 2 when some runs failed \
        (recorded with their message; the next sweep retries them); otherwise that of the error \
        (64 usage, 65 a bad specification, shard or database; see docs/scaling.md).
        """)

    @Argument(help: "Experiment specification (YAML), e.g. experiments/demo.yaml.")
    var spec: String

    @Option(name: .long, help: "Results database (SQLite; created if missing).")
    var db: String

    @Option(name: .long, help: "Run only shard I of N (I/N, 0-based); default: SLURM_ARRAY_TASK_ID of SCALPEL_SHARDS in a job array, else all.")
    var shard: String?

    @Option(name: .long, help: "Another study's results database to copy finished runs from (repeatable; read only).")
    var reuse: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Validate and list the runs to do, without running them.")
    var dryRun = false

    @Option(name: .customLong("max-runs"), help: "Refuse a spec planning more runs than this (default \(ExperimentSpec.defaultMaximumRuns)).")
    var maxRuns = ExperimentSpec.defaultMaximumRuns

    func validate() throws {
        guard maxRuns > 0 else { throw ValidationError("--max-runs must be positive, got \(maxRuns)") }
        try OutputPath.check(db, flag: "--db", inputs: [.init("the spec", spec)] + reuse.map { .init("--reuse", $0) })
    }

    func run() throws {
        LogSetup.bootstrapOnce()
        let plan = try ExperimentSpec(contentsOf: spec).plan(source: spec, maximumRuns: maxRuns)
        let part = try shard.map(Shard.init(parsing:)) ?? Shard.fromSLURM() ?? .all
        let mine = plan.restricted(to: part)
        let logger = Logger(label: "scalpel.sweep")
        var sizes: [String] = []
        if !plan.runs.isEmpty || plan.adaptationRuns.isEmpty { sizes.append("\(plan.runs.count) runs in \(plan.sessions.count) sessions") }
        if !plan.adaptationRuns.isEmpty { sizes.append("\(plan.adaptationRuns.count) adaptation runs") }
        let share = part == .all ? "" : "; shard \(part): \(mine.runs.count) runs" +
            (plan.adaptationRuns.isEmpty ? "" : ", \(mine.adaptationRuns.count) adaptation runs")
        logger.info("\(plan.name): \(sizes.joined(separator: " and "))\(share)")
        var sources: [ResultsDatabase] = []
        for path in plan.reuse + reuse where !sources.contains(where: { ResultsMerge.sameFile($0.path, path) }) {
            sources.append(try ResultsDatabase(reusingFrom: path, sweepDatabase: db))
        }
        if dryRun {
            var found = 0
            for r in mine.runs {
                let id = r.identity
                let source = try sources.first { try $0.finishedRun(key: r.key) != nil }
                if source != nil { found += 1 }
                print("\(r.key.prefix(12))  \(id.shift)  \(id.method)  n=\(id.targetSize)  lr=\(id.learningRate)" +
                      (id.hyperparameter.map { "  h=\($0)" } ?? "") + "  seed=\(id.seed)" + (source.map { "  in \($0.path)" } ?? ""))
            }
            if !sources.isEmpty { logger.info("\(found) of \(mine.runs.count) runs are in the reuse databases") }
            for r in mine.adaptationRuns {
                let id = r.identity, s = id.settings
                print("\(r.key.prefix(12))  \(id.shift)  \(s.method.rawValue) \(s.mode.rawValue) \(s.selection)  " +
                      "test=\(id.testSize)  \(s.summary)  seed=\(id.seed)")
            }
            return
        }
        let database = try ResultsDatabase(path: db)
        var runner = SweepRunner(plan: mine, database: database, observer: SweepProgress(logger: logger))
        runner.reuseSources = sources
        let outcome = try runner.run()
        let others = outcome.byOthers > 0 ? ", \(outcome.byOthers) recorded by other sweeps" : ""
        let reused = sources.isEmpty ? "" : ", reused \(outcome.reused)"
        let blocks = outcome.blockRunsFound + outcome.blockRunsComputed > 0
            ? "; cross-val block runs: \(outcome.blockRunsFound) found, \(outcome.blockRunsComputed) computed" : ""
        logger.info("\(outcome.ran) runs recorded (\(outcome.diverged) diverged, \(outcome.failed) failed), \(outcome.skipped) already there\(reused)\(others)\(blocks); database \(db)")
        if outcome.failed > 0 { throw ExitCode(2) }
    }
}
