import Foundation
import ScalpelData
import Testing
@testable import ScalpelExperiments

/// The adaptation part of a grid is counted from the lengths of its lists before a run is built:
/// past the cap, a 10-million-run adaptation grid is refused without expanding it.
@Suite struct AdaptationRunCapTests {
    /// 10 shifts × 2 modes × 1000 learning rates × 500 seeds = 10,000,000 MEMO runs on one checkpoint.
    static func hugeSpec(_ dir: String) -> String {
        let shifts = ["gaussian_noise", "shot_noise"].flatMap { c in (1...5).map { "\"fmnist-c:\(c):\($0)\"" } }
        return """
        checkpoints: [\(dir)/mlp2.safetensors]
        shifts: [\(shifts.joined(separator: ", "))]
        seeds: \(Array(0..<500))
        data_dir: \(dir)/data
        adaptation:
          - method: memo
            modes: [episodic, online]
            learning_rates: [\((1...1000).map { "\(Double($0) * 1e-7)" }.joined(separator: ", "))]
        """
    }

    @Test func tenMillionAdaptationRunsAreRefusedBeforeExpansion() throws {
        let dir = SweepFixtures.tempDir("adaptation-cap")
        let checkpoint = try SweepFixtures.prepare(dir)
        let spec = try ExperimentSpec(yaml: Self.hugeSpec(dir))
        let start = ContinuousClock.now
        let e = try #require(throws: SpecErrors.self) { try spec.plan() }
        let elapsed = ContinuousClock.now - start
        #expect(e.description.contains("the grid has 10000000 runs; at most \(ExperimentSpec.defaultMaximumRuns)"), "\(e)")
        print("AdaptationRunCapTests: 10,000,000-run adaptation grid refused in \(elapsed)")

        // The same plan step, called directly: nothing is built past the cap, and the count is exact.
        let (source, model) = try CheckpointSource.open(checkpoint)
        let shiftPlans = try spec.shifts.map {
            ShiftPlan(shift: try ShiftSpec(parsing: $0.shift), identity: $0.shift, label: $0.label, checkpoints: [source])
        }
        var errors: [SpecError] = []
        let capped = spec.planAdaptation(shiftPlans: shiftPlans, models: [checkpoint: model], maximumRuns: 10_000, errors: &errors)
        #expect(errors.isEmpty && capped.sessions.isEmpty && capped.count == 10_000_000, "\(errors)")

        // Below the cap the count matches what is built: 2 shifts × 2 modes × 3 rates × 2 seeds.
        var small = spec
        small.shifts = Array(spec.shifts.prefix(2))
        small.seeds = [0, 1]
        small.adaptation?[0].learningRates = [1e-3, 2e-3, 3e-3]
        let plan = try small.plan(maximumRuns: 24)
        #expect(plan.adaptations.flatMap(\.runs).count == 24)
        #expect(throws: SpecErrors.self) { try small.plan(maximumRuns: 23) }
    }
}
