import Foundation
import Testing
@testable import ScalpelExperiments

/// A spec with unknown keys, wrong types or broken syntax is refused with every problem at once,
/// each by path, line and column; a grid past the run cap is refused before it is expanded; a
/// relative `data_dir` is resolved against the spec's directory.
@Suite struct SpecSchemaTests {
    let dir: String

    init() throws {
        dir = SweepFixtures.tempDir("spec-schema")
        try SweepFixtures.prepare(dir)
    }

    func errors(_ yaml: String) -> SpecErrors? {
        do {
            _ = try ExperimentSpec(yaml: yaml, source: "x.yaml")
            return nil
        } catch let e as SpecErrors { return e } catch { return nil }
    }

    @Test func unknownKeyIsRefusedWithTheNearestKnownKey() throws {
        let e = try #require(errors(SweepFixtures.spec(dir) + "\nepoch: 1\n"))
        #expect(e.description.contains("unknown key 'epoch'; did you mean 'epochs'?"), "\(e)")
        let text = SweepFixtures.spec(dir) + "\nepoch: 1\n"
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "epoch: 1" }! + 1
        #expect(e.description.contains("line \(line), column 1"), "\(e)")
        let far = try #require(errors(SweepFixtures.spec(dir) + "\ncolour: blue\n"))
        #expect(far.description.contains("unknown key 'colour'") && !far.description.contains("did you mean"), "\(far)")
    }

    @Test func unknownKeyInsideAnAdaptationGroup() throws {
        let e = try #require(errors(SweepFixtures.spec(dir) + "\nadaptation: [{method: memo, mode: [online], stesp: 2}]\n"))
        #expect(e.description.contains("adaptation[0].mode") && e.description.contains("did you mean 'modes'?"), "\(e)")
        #expect(e.description.contains("did you mean 'steps'?"), "\(e)")
    }

    @Test func everyTypeProblemIsReportedAtOnceWithItsLine() throws {
        let yaml = """
        checkpoints: [a.safetensors]
        shifts: [fmnist-flip, {shift: fmnist-flip, checkpiont: b}]
        methods: [all]
        learning_rates: 1e-3
        seeds: [0, -1]
        epochs: many
        batch_size: 8.5
        """
        let e = try #require(errors(yaml))
        #expect(e.errors.count == 5, "\(e)")
        for expected in ["shifts[1].checkpiont: line 2", "did you mean 'checkpoint'?",
                         "learning_rates: line 4, column 17: expected a list of numbers, found '1e-3'",
                         "seeds[1]: line 5, column 12: expected an integer ≥ 0, found '-1'",
                         "epochs: line 6, column 9: expected an integer, found 'many'",
                         "batch_size: line 7, column 13: expected an integer"] {
            #expect(e.description.contains(expected), "\(e) should contain \(expected)")
        }
    }

    @Test func syntaxErrorsHaveALineAndColumn() throws {
        let e = try #require(errors("name: x\nmethods: [all, last\nepochs: 2\n"))
        #expect(e.description.contains("YAML syntax error") && e.description.contains("line "), "\(e)")
        let d = try #require(errors("epochs: 1\nepochs: 2\n"))
        #expect(d.description.contains("duplicate key 'epochs' (line 2, column 1; first at line 1)"), "\(d)")
    }

    @Test func gridPastTheCapIsRefusedBeforeExpansion() throws {
        let spec = try ExperimentSpec(yaml: SweepFixtures.spec(dir))
        #expect(try spec.plan(maximumRuns: 28).runs.count == 28)
        let e = #expect(throws: SpecErrors.self) { try spec.plan(maximumRuns: 27) }
        #expect(e?.description.contains("the grid has 28 runs; at most 27") == true, "\(String(describing: e))")
        // 10 shifts' worth of seeds × 1000 learning rates: refused at the default cap, not built.
        let huge = SweepFixtures.spec(dir, seeds: Array(0..<1000))
            .replacingOccurrences(of: "learning_rates: [1e-2, 1e-3, 1e-4]",
                                  with: "learning_rates: [" + (1...1000).map { "\(Double($0) * 1e-6)" }.joined(separator: ", ") + "]")
        let big = #expect(throws: SpecErrors.self) { try ExperimentSpec(yaml: huge).plan() }
        #expect(big?.description.contains("at most \(ExperimentSpec.defaultMaximumRuns)") == true)
    }

    @Test func relativeDataDirectoryIsResolvedAgainstTheSpecFile() throws {
        let yaml = SweepFixtures.spec(dir).replacingOccurrences(of: "data_dir: \(dir)/data", with: "data_dir: data")
        let path = dir + "/spec.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let plan = try ExperimentSpec(contentsOf: path).plan(source: path)
        #expect(plan.dataDirectory == URL(fileURLWithPath: dir + "/data").standardized.path)
    }
}
